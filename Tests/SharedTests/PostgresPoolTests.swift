import Foundation
import Synchronization
import Testing

@testable import Shared

struct PostgresPoolTests {
    private func makePool(maxConnections: Int, acquireTimeout: Duration = .seconds(5), name: String) -> PostgresPool {
        PostgresPool(
            configuration: .init(
                url: PostgresTestSupport.url, maxConnections: maxConnections, acquireTimeout: acquireTimeout,
                applicationName: name),
            logger: PostgresTestSupport.quietLogger)
    }

    @Test func moreWaitersThanConnectionsShareTheBoundedPool() throws {
        let name = PostgresTestSupport.uniqueName("pool")
        let pool = makePool(maxConnections: 3, name: name)
        let inUse = Atomic<Int>(0)
        let mostInUse = Atomic<Int>(0)
        let failures = Atomic<Int>(0)
        let group = DispatchGroup()
        for _ in 0..<4 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                do {
                    try pool.withConnection { connection in
                        let now = inUse.add(1, ordering: .sequentiallyConsistent).newValue
                        mostInUse.max(now, ordering: .sequentiallyConsistent)
                        try connection.query("SELECT pg_sleep(0.2)")
                        inUse.subtract(1, ordering: .sequentiallyConsistent)
                    }
                } catch {
                    failures.add(1, ordering: .sequentiallyConsistent)
                }
            }
        }
        #expect(group.wait(timeout: .now() + 10) == .success)
        #expect(failures.load(ordering: .sequentiallyConsistent) == 0)
        #expect(mostInUse.load(ordering: .sequentiallyConsistent) == 3)

        let admin = try PostgresTestSupport.connect()
        let open = try admin.query("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1", name)
        #expect(try open[0].decode(Int.self, "n") == 3)
        pool.close()
    }

    @Test func aCallerThatWaitsTooLongGetsAPoolTimeout() throws {
        let pool = makePool(maxConnections: 1, acquireTimeout: .milliseconds(200), name: "pool-timeout")
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? pool.withConnection { _ in
                holding.signal()
                release.wait()
            }
        }
        holding.wait()
        let started = ContinuousClock.now
        let error = #expect(throws: PostgresError.self) { try pool.withConnection { _ in } }
        #expect(error?.code == .poolTimeout)
        #expect(error?.httpError.status == 503)
        #expect(ContinuousClock.now - started >= .milliseconds(190))
        release.signal()
        #expect(try pool.withConnection { try $0.query("SELECT 1 AS one")[0].decode(Int.self, "one") } == 1)
    }

    @Test func aTerminatedIdleConnectionIsReplaced() throws {
        let pool = makePool(maxConnections: 1, name: "pool-idle-broken")
        let admin = try PostgresTestSupport.connect()
        let firstPID = try pool.withConnection { $0.backendPID }
        try admin.query("SELECT pg_terminate_backend($1::int4)", firstPID)
        try PostgresTestSupport.waitUntilGone(pid: firstPID, on: admin)

        let secondPID = try pool.withConnection { connection in
            try connection.query("SELECT pg_backend_pid() AS pid")[0].decode(Int.self, "pid")
        }
        #expect(secondPID != firstPID)
    }

    @Test func aConnectionLostInFlightFailsOnceThenThePoolRecovers() throws {
        let pool = makePool(maxConnections: 1, name: "pool-busy-broken")
        let admin = try PostgresTestSupport.connect()
        let error = #expect(throws: PostgresError.self) {
            try pool.withConnection { connection in
                try admin.query("SELECT pg_terminate_backend($1::int4)", connection.backendPID)
                try PostgresTestSupport.waitUntilGone(pid: connection.backendPID, on: admin)
                try connection.query("SELECT 1")
            }
        }
        #expect(error?.isConnectionLost == true)
        #expect(error?.httpError.status == 503)
        #expect(try pool.withConnection { try $0.query("SELECT 1 AS one")[0].decode(Int.self, "one") } == 1)
    }

    @Test func aClosedPoolRefusesCallersAndKeepsNoConnection() throws {
        let pool = makePool(maxConnections: 2, name: "pool-closed")
        try pool.withConnection { connection in
            try connection.query("SELECT 1")
            pool.close()
        }
        #expect(pool.idleCount == 0)
        let error = #expect(throws: PostgresError.self) { try pool.withConnection { _ in } }
        #expect(error?.code == .poolClosed)
        #expect(error?.httpError.status == 503)
    }

    @Test func severalBrokenIdleConnectionsAreAllSkipped() throws {
        let pool = makePool(maxConnections: 2, name: "pool-two-broken")
        let admin = try PostgresTestSupport.connect()
        let pids = Mutex<[Int]>([])
        let group = DispatchGroup()
        for _ in 0..<2 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                try? pool.withConnection { connection in
                    pids.withLock { $0.append(connection.backendPID) }
                    Thread.sleep(forTimeInterval: 0.2)
                }
            }
        }
        #expect(group.wait(timeout: .now() + 10) == .success)
        #expect(pool.idleCount == 2)
        for pid in pids.withLock({ $0 }) {
            try admin.query("SELECT pg_terminate_backend($1::int4)", pid)
            try PostgresTestSupport.waitUntilGone(pid: pid, on: admin)
        }
        let pid = try pool.withConnection { try $0.query("SELECT pg_backend_pid() AS p")[0].decode(Int.self, "p") }
        #expect(!pids.withLock { $0 }.contains(pid))
        #expect(pool.idleCount == 1)
    }

    @Test func aTransactionRollsBackWhenItsBodyThrows() throws {
        let schema = PostgresTestSupport.uniqueName("pgtest")
        let pool = makePool(maxConnections: 2, name: "pool-rollback")
        try pool.withConnection { try $0.query("CREATE SCHEMA \(schema)") }
        defer { _ = try? pool.withConnection { try $0.query("DROP SCHEMA \(schema) CASCADE") } }
        try pool.withConnection { try $0.query("CREATE TABLE \(schema).notes (body text)") }

        #expect(throws: TestFailure.self) {
            try pool.withTransaction { connection in
                try connection.query("INSERT INTO \(schema).notes VALUES ($1)", "lost")
                throw TestFailure()
            }
        }
        try pool.withTransaction { try $0.query("INSERT INTO \(schema).notes VALUES ($1)", "kept") }
        let rows = try pool.withConnection { try $0.query("SELECT body FROM \(schema).notes") }
        #expect(try rows.map { try $0.decode(String.self, "body") } == ["kept"])
    }

    @Test func aTransactionWhoseStatementFailedIsNotCommitted() throws {
        let pool = makePool(maxConnections: 1, name: "pool-failed-tx")
        let schema = PostgresTestSupport.uniqueName("pgtest")
        try pool.withConnection { try $0.query("CREATE SCHEMA \(schema)") }
        defer { _ = try? pool.withConnection { try $0.query("DROP SCHEMA \(schema) CASCADE") } }
        try pool.withConnection { try $0.query("CREATE TABLE \(schema).notes (body text)") }

        #expect(throws: PostgresError.self) {
            try pool.withTransaction { connection in
                try connection.query("INSERT INTO \(schema).notes VALUES ($1)", "first")
                _ = try? connection.query("SELECT 1/0")
            }
        }
        let count = try pool.withConnection { try $0.query("SELECT count(*) AS n FROM \(schema).notes")[0] }
        #expect(try count.decode(Int.self, "n") == 0)
    }

    @Test func aSerializationFailureIsRetried() throws {
        let pool = makePool(maxConnections: 2, name: "pool-serializable")
        let schema = PostgresTestSupport.uniqueName("pgtest")
        try pool.withConnection { try $0.query("CREATE SCHEMA \(schema)") }
        defer { _ = try? pool.withConnection { try $0.query("DROP SCHEMA \(schema) CASCADE") } }
        try pool.withConnection { try $0.query("CREATE TABLE \(schema).shifts (doctor int8, on_call bool)") }

        // Write skew: each reads what the other writes; the first attempts meet at a barrier.
        let attempts = Atomic<Int>(0)
        let arrived = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
        let failures = Atomic<Int>(0)
        let group = DispatchGroup()
        for side in 0..<2 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                var isFirstAttempt = true
                do {
                    try pool.withTransaction(isolation: .serializable) { connection in
                        attempts.add(1, ordering: .sequentiallyConsistent)
                        try connection.query("SELECT count(*) FROM \(schema).shifts WHERE doctor = $1", 1 - side)
                        if isFirstAttempt {
                            isFirstAttempt = false
                            arrived[side].signal()
                            _ = arrived[1 - side].wait(timeout: .now() + 5)
                        }
                        try connection.query("INSERT INTO \(schema).shifts VALUES ($1, true)", side)
                    }
                } catch {
                    failures.add(1, ordering: .sequentiallyConsistent)
                }
            }
        }
        #expect(group.wait(timeout: .now() + 20) == .success)
        #expect(failures.load(ordering: .sequentiallyConsistent) == 0)
        #expect(attempts.load(ordering: .sequentiallyConsistent) >= 3)
        let count = try pool.withConnection { try $0.query("SELECT count(*) AS n FROM \(schema).shifts")[0] }
        #expect(try count.decode(Int.self, "n") == 2)
    }
}
