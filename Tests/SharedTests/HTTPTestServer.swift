import Foundation
import Testing

@testable import Shared

/// A real server on 127.0.0.1 with a port the system chose, stopped when the test is done.
final class HTTPTestServer: Sendable {
    let server: HTTPServer
    let metrics = MetricsRegistry()
    let logs = MemoryLogSink()
    let client = HTTPClient(timeout: .seconds(10))
    let baseURL: String

    init(bodyLimit: Int = 1 << 20, routes: (inout Router) -> Void) throws {
        var router = Router()
        routes(&router)
        router.addStandardEndpoints(metrics: metrics)
        let configuration = HTTPServer.Configuration(
            host: "127.0.0.1", port: 0, threadPoolSize: 4, bodyLimit: bodyLimit, shutdownGracePeriod: .seconds(5))
        server = HTTPServer(
            configuration: configuration, router: router, metrics: metrics,
            logger: Logger(label: "test", level: .debug, sink: logs))
        try server.start()
        baseURL = "http://127.0.0.1:\(try #require(server.port))"
    }

    deinit {
        server.stop()
    }

    func get(_ path: String, headers: [(String, String)] = []) throws -> HTTPClient.Response {
        try client.get(baseURL + path, headers: headers)
    }

    func send(
        _ method: String, _ path: String, headers: [(String, String)] = [], body: Data = Data()
    ) throws -> HTTPClient.Response {
        try client.send(method, baseURL + path, headers: headers, body: body)
    }

    /// The response's body as a JSON object.
    static func object(_ response: HTTPClient.Response) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
    }
}
