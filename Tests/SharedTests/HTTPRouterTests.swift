import Foundation
import Testing

@testable import Shared

struct HTTPRouterTests {
    private static func router() -> Router {
        var router = Router()
        router.get("/boletas/{number}") { _ in .text("one") }
        router.get("/boletas/report") { _ in .text("report") }
        router.get("/clients/{client}/boletas/{number}") { _ in .text("nested") }
        router.post("/boletas") { _ in .noContent() }
        return router
    }

    private static func pattern(_ match: Router.Match) -> String? {
        if case .found(let route, _) = match { return route.pattern }
        return nil
    }

    @Test func aLiteralSegmentWinsOverAParameter() {
        let router = Self.router()
        #expect(Self.pattern(router.match(method: "GET", path: "/boletas/report")) == "/boletas/report")
        #expect(Self.pattern(router.match(method: "GET", path: "/boletas/42")) == "/boletas/{number}")
    }

    @Test func everyParameterIsCaptured() throws {
        guard case .found(_, let parameters) = Self.router().match(method: "GET", path: "/clients/ACME/boletas/7")
        else {
            Issue.record("no match")
            return
        }
        #expect(parameters["client"] == "ACME")
        #expect(parameters["number"] == "7")
    }

    @Test(arguments: ["/boletas/42/extra", "/clients/ACME", "/", "/contracts/42"])
    func aPathOfAnotherShapeIsNotFound(path: String) {
        guard case .notFound = Self.router().match(method: "GET", path: path) else {
            Issue.record("\(path) matched")
            return
        }
    }

    @Test func aTrailingSlashStillFindsALiteralRoute() {
        #expect(Self.pattern(Self.router().match(method: "POST", path: "/boletas/")) == "/boletas")
    }

    @Test func headFallsBackToGet() {
        #expect(Self.pattern(Self.router().match(method: "HEAD", path: "/boletas/1")) == "/boletas/{number}")
    }

    @Test func middlewareRunsBeforeTheHandlerAndCanRefuse() throws {
        struct Principal: Sendable { var name: String }
        var router = Router()
        router.group(middleware: [
            authenticating { request in
                guard request.headers["Authorization"] == "Bearer good" else { throw HTTPError.unauthorized() }
                return Principal(name: "ana")
            }
        ]) { group in
            group.get("/me") { request in .text(try request.principal(as: Principal.self).name) }
        }
        router.get("/open") { _ in .text("open") }
        let pipeline = RequestPipeline(router: router, logger: Logger(label: "test"), metrics: MetricsRegistry())

        var allowed = Request(
            method: "GET", path: "/me", headers: ["authorization": "Bearer good"], logger: Logger(label: "test"))
        #expect(String(decoding: pipeline.respond(to: &allowed, started: .now).body, as: UTF8.self) == "ana")

        var refused = Request(method: "GET", path: "/me", logger: Logger(label: "test"))
        let response = pipeline.respond(to: &refused, started: .now)
        #expect(response.status == 401)
        #expect(response.headers["WWW-Authenticate"] == "Bearer")

        var open = Request(method: "GET", path: "/open", logger: Logger(label: "test"))
        #expect(pipeline.respond(to: &open, started: .now).status == 200)
    }
}

struct HTTPRequestIDTests {
    @Test func aNewRequestIDIsAVersion4UUIDAndNeverRepeats() throws {
        var seen = Set<String>()
        for _ in 0..<1000 {
            let text = RequestID.make()
            let uuid = try #require(UUID(uuidString: text))
            #expect(uuid.uuidString == text)
            #expect(text[text.index(text.startIndex, offsetBy: 14)] == "4")
            #expect("89AB".contains(text[text.index(text.startIndex, offsetBy: 19)]))
            seen.insert(text)
        }
        #expect(seen.count == 1000)
    }
}

struct HTTPConfigurationTests {
    @Test func settingsComeFromTheEnvironmentWithDefaults() throws {
        let configuration = try HTTPServer.Configuration(
            environment: Environment(["HTTP_PORT": "9000", "HTTP_BODY_LIMIT_BYTES": "2048", "HTTP_THREADS": "3"]))
        #expect(configuration.port == 9000)
        #expect(configuration.bodyLimit == 2048)
        #expect(configuration.threadPoolSize == 3)
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.connectionTimeout == .seconds(30))
    }

    @Test func aBadSettingNamesItsVariable() {
        #expect(throws: ConfigurationError(variable: "HTTP_PORT", problem: "must lie between 0 and 65535")) {
            try HTTPServer.Configuration(environment: Environment(["HTTP_PORT": "70000"]))
        }
    }
}
