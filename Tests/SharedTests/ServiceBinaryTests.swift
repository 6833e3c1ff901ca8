import Foundation
import Testing

@testable import Shared

/// The four service executables, started as the operator starts them.
@Suite(.serialized)
struct ServiceBinaryTests {
    @Test(arguments: [("identity", 18181), ("boleta", 18182), ("approval", 18183), ("mail", 18184)])
    func aServiceStartsMigratesServesAndStopsCleanlyOnSIGTERM(service: String, port: Int) throws {
        let key = Ed25519.PrivateKey.generate()
        let process = Process()
        process.executableURL = Disruption.binaries.appendingPathComponent("\(service)-service")
        var environment = ProcessInfo.processInfo.environment
        environment["HTTP_PORT"] = String(port)
        environment["LOG_LEVEL"] = "info"
        environment["JWT_SIGNING_KEY"] = key.base64URLSeed
        environment["JWT_PUBLIC_KEY"] = key.publicKey.base64URL
        process.environment = environment
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("\(service)-\(UUID()).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let output = try FileHandle(forWritingTo: log)
        defer { try? output.close() }
        process.standardOutput = output
        process.standardError = output
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        let client = HTTPClient(timeout: .seconds(2))
        let base = "http://127.0.0.1:\(port)"
        let ready = eventually(timeout: .seconds(30)) { (try? client.get(base + "/readyz"))?.status == 200 }
        #expect(ready, "\(service) did not become ready: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        #expect(try client.get(base + "/healthz").status == 200)
        #expect(try client.get(base + "/metrics").text.contains("http_requests_total"))

        let stopping = ContinuousClock.now
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(ContinuousClock.now - stopping < .seconds(15))

        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(
            lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil },
            "one JSON object per line")
        #expect(lines.contains { $0.contains(#""msg":"Service stopped""#) })
        let migrated = try PostgresTestSupport.connect().query(
            "SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename IN ('outbox', 'inbox')", service)
        #expect(try migrated[0].decode(Int.self, at: 0) == 2)
    }
}
