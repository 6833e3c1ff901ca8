import Foundation
import Synchronization
import Testing

@testable import Shared

struct PostgresNotifyAndMigrationTests {
    @Test func aServerNoticeGoesToTheLogger() throws {
        let sink = MemoryLogSink()
        let connection = try PostgresTestSupport.connect(
            logger: Logger(label: "test.notice", level: .debug, sink: sink))
        try connection.query("DO $$ BEGIN RAISE NOTICE 'stock is % units', 42; END $$")
        let line = sink.lines.first { $0.contains("PostgreSQL notice") }
        #expect(line?.contains("stock is 42 units") == true)
        #expect(line?.contains("\"level\":\"debug\"") == true)
        #expect(line?.contains("\"db.severity\":\"NOTICE\"") == true)
    }

    @Test func aNotificationWakesAWaiter() throws {
        let channel = PostgresTestSupport.uniqueName("outbox")
        let listener = try PostgresTestSupport.connect()
        try listener.listen(channel)
        let sender = try PostgresTestSupport.connect()

        let started = ContinuousClock.now
        #expect(try listener.waitForNotifications(timeout: .milliseconds(150)).isEmpty)
        #expect(ContinuousClock.now - started >= .milliseconds(140))

        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.1)
            try? sender.notify(channel, payload: "row 7")
        }
        let woken = ContinuousClock.now
        let received = try listener.waitForNotifications(timeout: .seconds(5))
        #expect(received.map(\.payload) == ["row 7"])
        #expect(received.first?.channel == channel)
        #expect(ContinuousClock.now - woken < .seconds(2))
    }

    @Test func aListenerReconnectsAfterItsSessionWasTerminated() throws {
        let channel = PostgresTestSupport.uniqueName("outbox")
        let listener = PostgresListener(
            url: PostgresTestSupport.url, channel: channel, logger: PostgresTestSupport.quietLogger)
        let admin = try PostgresTestSupport.connect()
        #expect(try listener.waitForNotification(timeout: .seconds(1)))  // first wait: look for missed work

        try admin.notify(channel, payload: "one")
        #expect(try listener.waitForNotification(timeout: .seconds(5)))

        try admin.query("SELECT pg_terminate_backend($1::int4)", listener.backendPID!)
        #expect(throws: PostgresError.self) { try listener.waitForNotification(timeout: .seconds(5)) }
        #expect(try listener.waitForNotification(timeout: .seconds(1)))  // reconnected
        try admin.notify(channel, payload: "two")
        #expect(try listener.waitForNotification(timeout: .seconds(5)))
    }

    private func migrations(secondSQL: String = "INSERT INTO events (name) VALUES ('created once')") -> [Migration] {
        [
            Migration(version: 2, name: "seed", sql: secondSQL),
            Migration(
                version: 1, name: "create_events", sql: "CREATE TABLE events (id bigserial PRIMARY KEY, name text);"),
            Migration(version: 3, name: "index", sql: "CREATE INDEX events_name ON events (name); SELECT 1;"),
        ]
    }

    @Test func concurrentStartsApplyEachMigrationOnce() throws {
        let schema = PostgresTestSupport.uniqueName("pgmig")
        let admin = try PostgresTestSupport.connect()
        defer { _ = try? admin.query("DROP SCHEMA IF EXISTS \(schema) CASCADE") }

        let appliedCount = Atomic<Int>(0)
        let failures = Mutex<[String]>([])
        let group = DispatchGroup()
        for _ in 0..<4 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                do {
                    let connection = try PostgresTestSupport.connect()
                    let runner = MigrationRunner(
                        schema: schema, migrations: migrations(), logger: PostgresTestSupport.quietLogger)
                    let applied = try runner.run(on: connection)
                    appliedCount.add(applied.count, ordering: .sequentiallyConsistent)
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        #expect(group.wait(timeout: .now() + 30) == .success)
        #expect(failures.withLock { $0 } == [])
        #expect(appliedCount.load(ordering: .sequentiallyConsistent) == 3)
        let rows = try admin.query("SELECT count(*) AS n FROM \(schema).events")
        #expect(try rows[0].decode(Int.self, "n") == 1)
        let versions = try admin.query("SELECT version FROM \(schema).schema_migrations ORDER BY version")
        #expect(try versions.map { try $0.decode(Int.self, "version") } == [1, 2, 3])
    }

    @Test func aChangedAppliedMigrationIsRefused() throws {
        let schema = PostgresTestSupport.uniqueName("pgmig")
        let connection = try PostgresTestSupport.connect()
        defer { _ = try? connection.query("DROP SCHEMA IF EXISTS \(schema) CASCADE") }
        let logger = PostgresTestSupport.quietLogger
        try MigrationRunner(schema: schema, migrations: migrations(), logger: logger).run(on: connection)

        let edited = migrations(secondSQL: "INSERT INTO events (name) VALUES ('edited')")
        let error = #expect(throws: PostgresError.self) {
            try MigrationRunner(schema: schema, migrations: edited, logger: logger).run(on: connection)
        }
        #expect(error?.code == .migrationRejected)
        #expect(error?.message.contains("2") == true)

        // The lock was released: a run with the original list passes and applies nothing.
        let other = try PostgresTestSupport.connect()
        #expect(try MigrationRunner(schema: schema, migrations: migrations(), logger: logger).run(on: other) == [])
    }

    @Test func aFailingMigrationLeavesNoTrace() throws {
        let schema = PostgresTestSupport.uniqueName("pgmig")
        let connection = try PostgresTestSupport.connect()
        defer { _ = try? connection.query("DROP SCHEMA IF EXISTS \(schema) CASCADE") }
        let broken = migrations() + [Migration(version: 4, name: "broken", sql: "CREATE TABLE t (a int); SELECT 1/0;")]
        #expect(throws: PostgresError.self) {
            try MigrationRunner(schema: schema, migrations: broken, logger: PostgresTestSupport.quietLogger)
                .run(on: connection)
        }
        let tables = try connection.query(
            "SELECT count(*) AS n FROM pg_tables WHERE schemaname = $1 AND tablename = 't'", schema)
        #expect(try tables[0].decode(Int.self, "n") == 0)
        let versions = try connection.query("SELECT max(version) AS v FROM \(schema).schema_migrations")
        #expect(try versions[0].decode(Int.self, "v") == 3)
    }
}
