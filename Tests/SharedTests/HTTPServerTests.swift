import Foundation
import Synchronization
import Testing

@testable import Shared

struct SignatureRequest: Codable {
    var password: String
    var signedAt: Date
}

struct HiddenFailure: Error {
    var secret: String
}

struct HTTPServerTests {
    private static func makeServer(bodyLimit: Int = 1 << 20) throws -> HTTPTestServer {
        try HTTPTestServer(bodyLimit: bodyLimit) { router in
            router.get("/boletas/{number}/signature") { request in
                .text("signature of \(try request.pathParameter("number"))")
            }
            router.get("/boletas/report") { _ in .text("report") }
            router.post("/boletas/{number}/signature") { request in
                let signature = try request.decode(SignatureRequest.self)
                if signature.password.isEmpty {
                    throw HTTPError.invalid([.init(field: "password", message: "must not be empty")])
                }
                return try .json(["signedAt": signature.signedAt], status: 201)
            }
            router.post("/echo") { request in Response(status: 200, body: request.body) }
            router.get("/search") { request in
                try .json(["name": request.query["name"] ?? "", "city": request.query["city"] ?? ""])
            }
            router.get("/fail") { _ in throw HiddenFailure(secret: "database password is hunter2") }
            router.get("/whoami") { request in .text(request.remoteAddress) }
            router.get("/throttled") { _ in throw HTTPError.throttled(retryAfter: 7) }
        }
    }

    @Test func aPathParameterReachesTheHandler() throws {
        let server = try Self.makeServer()
        let response = try server.get("/boletas/2026-000123/signature")
        #expect(response.status == 200)
        #expect(response.text == "signature of 2026-000123")
        #expect(try server.get("/boletas/report").text == "report")
    }

    @Test func theClientAddressIsKnown() throws {
        let server = try Self.makeServer()
        #expect(try server.get("/whoami").text == "127.0.0.1")
    }

    @Test func headIsAnsweredByTheGetRouteWithoutABody() throws {
        let server = try Self.makeServer()
        let response = try server.send("HEAD", "/boletas/5/signature")
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        #expect(response.headers["Content-Length"] == "14")
    }

    @Test func asAServicePartItServesUntilStopped() throws {
        let server = HTTPServer(
            configuration: .init(port: 0, threadPoolSize: 2),
            router: {
                var router = Router(); router.addStandardEndpoints(metrics: MetricsRegistry()); return router
            }(),
            metrics: MetricsRegistry(), logger: Logger(label: "test", sink: MemoryLogSink()))
        let stop = StopSignal()
        let finished = ConcurrentCollector()
        let thread = Thread {
            do { try server.run(until: stop) } catch { finished.add(-1) }
            finished.add(1)
        }
        thread.start()
        var port: Int?
        for _ in 0..<200 where port == nil {
            port = server.port
            if port == nil { Thread.sleep(forTimeInterval: 0.01) }
        }
        let url = "http://127.0.0.1:\(try #require(port))/healthz"
        #expect(try HTTPClient().get(url).status == 200)
        stop.stop()
        for _ in 0..<500 where finished.values.isEmpty { Thread.sleep(forTimeInterval: 0.01) }
        #expect(finished.values == [1])
        #expect(server.port == nil)
        #expect(throws: CurlError.self) { try HTTPClient(timeout: .seconds(2)).get(url) }
    }

    @Test func anUnknownPathIsA404Problem() throws {
        let server = try Self.makeServer()
        let response = try server.get("/nowhere")
        #expect(response.status == 404)
        #expect(response.headers["content-type"] == "application/problem+json")
        let problem = try HTTPTestServer.object(response)
        #expect(problem["type"] as? String == "/problems/not-found")
        #expect(problem["status"] as? Int == 404)
        #expect(problem["instance"] as? String == "/nowhere")
    }

    @Test func aKnownPathWithTheWrongMethodIsA405WithAllow() throws {
        let server = try Self.makeServer()
        let response = try server.send("DELETE", "/boletas/7/signature")
        #expect(response.status == 405)
        #expect(response.headers["Allow"] == "GET, HEAD, POST")
    }

    @Test func aBodyOverTheLimitIsA413() throws {
        let server = try Self.makeServer(bodyLimit: 1024)
        let small = try server.send("POST", "/echo", headers: [("Content-Type", "text/plain")], body: Data(count: 1024))
        #expect(small.status == 200)
        #expect(small.body.count == 1024)

        let declared = try server.send(
            "POST", "/echo", headers: [("Content-Type", "text/plain")], body: Data(count: 1025))
        #expect(declared.status == 413)
        #expect(try HTTPTestServer.object(declared)["type"] as? String == "/problems/payload-too-large")

        let chunked = try server.send(
            "POST", "/echo", headers: [("Content-Type", "text/plain"), ("Transfer-Encoding", "chunked")],
            body: Data(count: 5000))
        #expect(chunked.status == 413)
    }

    @Test func aBodyThatIsNotDeclaredJSONIsA415() throws {
        let server = try Self.makeServer()
        let body = Data(#"{"password":"x","signedAt":"2026-01-31T12:00:00Z"}"#.utf8)
        let response = try server.send(
            "POST", "/boletas/1/signature", headers: [("Content-Type", "text/plain")], body: body)
        #expect(response.status == 415)
        let accepted = try server.send(
            "POST", "/boletas/1/signature", headers: [("Content-Type", "Application/JSON; charset=utf-8")], body: body)
        #expect(accepted.status == 201)
    }

    @Test func malformedJSONIsA400SayingWhatIsWrong() throws {
        let server = try Self.makeServer()
        let broken = try server.client.post(server.baseURL + "/boletas/1/signature", body: Data("{\"password\":".utf8))
        #expect(broken.status == 400)
        #expect(try HTTPTestServer.object(broken)["type"] as? String == "/problems/malformed-request")

        let missing = try server.client.post(
            server.baseURL + "/boletas/1/signature", body: Data(#"{"password":"x"}"#.utf8))
        #expect(missing.status == 400)
        let detail = try HTTPTestServer.object(missing)["detail"] as? String
        #expect(detail?.contains("signedAt") == true)
    }

    @Test func datesWithAndWithoutFractionalSecondsAreAccepted() throws {
        let server = try Self.makeServer()
        for date in ["2026-01-31T12:00:00Z", "2026-01-31T12:00:00.250Z"] {
            let body = Data(#"{"password":"x","signedAt":"\#(date)"}"#.utf8)
            let response = try server.client.post(server.baseURL + "/boletas/1/signature", body: body)
            #expect(response.status == 201)
            #expect(response.text.contains("2026-01-31T12:00:00"))
        }
    }

    @Test func validationFailuresAreA422WithFieldErrors() throws {
        let server = try Self.makeServer()
        let body = Data(#"{"password":"","signedAt":"2026-01-31T12:00:00Z"}"#.utf8)
        let response = try server.client.post(server.baseURL + "/boletas/1/signature", body: body)
        #expect(response.status == 422)
        let errors = try #require(try HTTPTestServer.object(response)["errors"] as? [[String: String]])
        #expect(errors == [["field": "password", "message": "must not be empty"]])
    }

    @Test func anUnexpectedErrorIsA500ThatRevealsNothingButIsLogged() throws {
        let server = try Self.makeServer()
        let response = try server.get("/fail", headers: [("X-Request-ID", "trace-500")])
        #expect(response.status == 500)
        #expect(!response.text.contains("hunter2"))
        #expect(!response.text.contains("HiddenFailure"))
        let logged = server.logs.lines.filter { $0.contains("\"level\":\"error\"") }
        #expect(logged.count == 1)
        #expect(logged.first?.contains("hunter2") == true)
        #expect(logged.first?.contains("\"request.id\":\"trace-500\"") == true)
    }

    @Test func anHTTPErrorCarriesItsHeaders() throws {
        let server = try Self.makeServer()
        let response = try server.get("/throttled")
        #expect(response.status == 429)
        #expect(response.headers["Retry-After"] == "7")
    }

    @Test func aSaneRequestIDIsEchoedAndAnyOtherReplaced() throws {
        let server = try Self.makeServer()
        let echoed = try server.get("/healthz", headers: [("X-Request-ID", "abc-123_x.y")])
        #expect(echoed.headers["X-Request-ID"] == "abc-123_x.y")

        let made = try #require(try server.get("/healthz").headers["X-Request-ID"])
        #expect(UUID(uuidString: made) != nil)

        let insane = try #require(
            try server.get("/healthz", headers: [("X-Request-ID", "a b<script>")]).headers["X-Request-ID"])
        #expect(UUID(uuidString: insane) != nil)
        let tooLong = String(repeating: "a", count: 129)
        #expect(try server.get("/healthz", headers: [("X-Request-ID", tooLong)]).headers["X-Request-ID"] != tooLong)
    }

    @Test func queryParametersArePercentDecoded() throws {
        let server = try Self.makeServer()
        let response = try server.get("/search?name=Jos%C3%A9%20Silva&city=S%C3%A3o+Paulo")
        let object = try HTTPTestServer.object(response)
        #expect(object["name"] as? String == "José Silva")
        #expect(object["city"] as? String == "São Paulo")
    }

    @Test func metricsCountRequestsByRoutePattern() throws {
        let server = try Self.makeServer()
        _ = try server.get("/boletas/1/signature")
        _ = try server.get("/boletas/2/signature")
        _ = try server.get("/nowhere/at/all")
        let metrics = try server.get("/metrics")
        #expect(metrics.headers["Content-Type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = metrics.text
        #expect(text.contains(#"http_requests_total{route="/boletas/{number}/signature",method="GET",status="200"} 2"#))
        #expect(text.contains(#"http_requests_total{route="unmatched",method="GET",status="404"} 1"#))
        #expect(text.contains(#"http_request_duration_seconds_count{route="/boletas/{number}/signature"} 2"#))
        #expect(!text.contains("/boletas/1/signature"))
    }

    @Test func concurrentRequestsAreAllAnswered() throws {
        let server = try Self.makeServer()
        let statuses = ConcurrentCollector()
        DispatchQueue.concurrentPerform(iterations: 16) { worker in
            for index in 0..<20 {
                let status = (try? server.get("/boletas/\(worker)-\(index)/signature"))?.status ?? -1
                statuses.add(status)
            }
        }
        #expect(statuses.values.count == 320)
        #expect(statuses.values.allSatisfy { $0 == 200 })
    }

    @Test func stoppingWhileClientsKeepConnectingNeverAbortsAndTwoStopsTakeTurns() throws {
        // libmicrohttpd aborts the process if its threads find the listening socket closed under them,
        // so each round stops the server, twice at once, while requests keep arriving.
        for _ in 0..<40 {
            let server = try Self.makeServer()
            let client = HTTPClient(timeout: .seconds(2))
            let url = server.baseURL + "/boletas/1/signature"
            let answered = ConcurrentCollector()
            DispatchQueue.concurrentPerform(iterations: 4) { worker in
                if worker < 2 {
                    for _ in 0..<5 { answered.add((try? client.get(url))?.status ?? -1) }
                    server.server.stop()
                } else {
                    for _ in 0..<10 { answered.add((try? client.get(url))?.status ?? -1) }
                }
            }
            #expect(server.server.port == nil)
            #expect(answered.values.allSatisfy { $0 == 200 || $0 == -1 })
        }
    }

    @Test func healthzAnswersOkAndReadyzNamesWhatIsDown() throws {
        struct Unreachable: Error {}
        let metrics = MetricsRegistry()
        var router = Router()
        router.addStandardEndpoints(
            metrics: metrics,
            readiness: [
                ReadinessCheck(name: "database") {},
                ReadinessCheck(name: "broker") { throw Unreachable() },
            ])
        var request = Request(method: "GET", path: "/readyz", logger: Logger(label: "test", sink: MemoryLogSink()))
        let pipeline = RequestPipeline(
            router: router, logger: Logger(label: "test", sink: MemoryLogSink()), metrics: metrics)
        let ready = pipeline.respond(to: &request, started: .now)
        #expect(ready.status == 503)
        let detail =
            try #require(try JSONSerialization.jsonObject(with: ready.body) as? [String: Any])["detail"] as? String
        #expect(detail?.contains("broker") == true)
        #expect(detail?.contains("database") == false)

        let server = try Self.makeServer()
        let healthy = try server.get("/healthz")
        #expect(healthy.status == 200)
        #expect(healthy.text == #"{"status":"ok"}"#)
        #expect(try server.get("/readyz").status == 200)
    }

    @Test func stoppingLetsARequestInFlightFinish() throws {
        let started = ConcurrentCollector()
        let server = try HTTPTestServer { router in
            router.get("/slow") { _ in
                started.add(1)
                Thread.sleep(forTimeInterval: 0.5)
                return .text("done")
            }
        }
        let answer = ConcurrentCollector()
        let thread = Thread {
            answer.add((try? server.get("/slow"))?.status ?? -1)
        }
        thread.start()
        while started.values.isEmpty { Thread.sleep(forTimeInterval: 0.01) }
        let url = server.baseURL + "/healthz"
        let stopped = ConcurrentCollector()
        let stopper = Thread {
            server.server.stop()
            stopped.add(1)
        }
        stopper.start()
        Thread.sleep(forTimeInterval: 0.1)

        // While the slow request runs, the server takes no new connections.
        #expect(throws: CurlError.self) { try HTTPClient(timeout: .seconds(2)).get(url) }
        for _ in 0..<500 where answer.values.isEmpty || stopped.values.isEmpty {
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(answer.values == [200])
        #expect(stopped.values == [1])
        #expect(server.server.port == nil)
    }
}

/// Collects values from several threads.
final class ConcurrentCollector: Sendable {
    private let storage = Mutex<[Int]>([])
    func add(_ value: Int) { storage.withLock { $0.append(value) } }
    var values: [Int] { storage.withLock { $0 } }
}
