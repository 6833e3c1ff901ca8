import Foundation
import Testing

@testable import Shared

/// The database the PostgreSQL tests use, and helpers that give each test its own schema.
enum PostgresTestSupport {
    static let url =
        ProcessInfo.processInfo.environment["TEST_DATABASE_URL"]
        ?? "postgresql://support_admin:support_admin@127.0.0.1:5432/support"

    static let quietLogger = Logger(label: "test.postgres", level: .warning, sink: MemoryLogSink())

    /// A lowercase name unique to this run, such as `pgtest_3f9a1c2b`.
    static func uniqueName(_ prefix: String) -> String {
        prefix + "_" + UUID().uuidString.prefix(8).lowercased()
    }

    static func connect(logger: Logger = quietLogger) throws -> PostgresConnection {
        try PostgresConnection(url: url, logger: logger)
    }

    /// Runs `body` with a fresh schema (set as `search_path`) and drops the schema afterwards.
    static func withSchema<T>(_ body: (_ schema: String, _ connection: PostgresConnection) throws -> T) throws -> T {
        let connection = try connect()
        let schema = uniqueName("pgtest")
        try connection.query("CREATE SCHEMA \(schema)")
        defer { _ = try? connection.query("DROP SCHEMA \(schema) CASCADE") }
        try connection.query("SET search_path TO \(schema)")
        return try body(schema, connection)
    }

    /// Waits until the server no longer lists backend `pid`.
    static func waitUntilGone(pid: Int, on connection: PostgresConnection) throws {
        for _ in 0..<100 {
            let rows = try connection.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", pid)
            if rows.isEmpty { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        Issue.record("backend \(pid) still exists")
    }
}

struct TestFailure: Error {}
