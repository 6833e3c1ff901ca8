import Foundation
import Synchronization
import Testing

@testable import Shared

/// A clock that stands still until a test moves it.
final class ManualClock: Sendable {
    private let current: Mutex<Date>

    init(_ text: String) { current = Mutex(instant(text)) }

    var now: Date { current.withLock { $0 } }

    func set(_ text: String) { current.withLock { $0 = instant(text) } }
}

/// What a job's work did, across threads: each attempt's period and time.
final class WorkRecord: Sendable {
    private let attempts = Mutex<[(period: PostgresDate, at: ContinuousClock.Instant)]>([])

    func record(_ period: PostgresDate) { attempts.withLock { $0.append((period, .now)) } }

    var periods: [PostgresDate] { attempts.withLock { $0.map(\.period) } }
    var times: [ContinuousClock.Instant] { attempts.withLock { $0.map(\.at) } }
}

struct SchedulingDatabaseTests {
    private static let jobRunDDL = """
        CREATE TABLE job_run (
            job text NOT NULL,
            period date NOT NULL,
            started_at timestamptz NOT NULL DEFAULT now(),
            instance text NOT NULL,
            PRIMARY KEY (job, period)
        );
        CREATE TABLE effect (period date NOT NULL);
        """

    /// Runs `body` with a fresh schema holding `job_run` and an `effect` table the jobs write to.
    private func withJobSchema(_ body: (_ schema: String, _ admin: PostgresConnection) throws -> Void) throws {
        try PostgresTestSupport.withSchema { schema, admin in
            try admin.executeScript(Self.jobRunDDL)
            try body(schema, admin)
        }
    }

    private func makePool() -> PostgresPool {
        PostgresPool(
            configuration: .init(url: PostgresTestSupport.url, maxConnections: 2),
            logger: PostgresTestSupport.quietLogger)
    }

    /// A job at 08:00 in São Paulo that records each attempt, writes an `effect` row, then maybe fails.
    private func job(
        schema: String, catchUpDays: Int, record: WorkRecord, pause: Double = 0,
        failure: @escaping @Sendable (PostgresDate) -> Bool = { _ in false }
    ) -> ScheduledJob {
        ScheduledJob(name: "reminders", hour: 8, catchUpDays: catchUpDays) { period, connection in
            record.record(period)
            try connection.execute("INSERT INTO \(schema).effect (period) VALUES ($1)", period)
            if pause > 0 { Thread.sleep(forTimeInterval: pause) }
            if failure(period) { throw TestFailure() }
        }
    }

    private func recordedPeriods(_ table: String, _ admin: PostgresConnection) throws -> [PostgresDate] {
        try admin.query("SELECT period FROM \(table) ORDER BY period").map { try $0.decode(PostgresDate.self, at: 0) }
    }

    /// Starts `scheduler.run(until:)` on a thread; the returned group is left when it returns.
    private func start(_ scheduler: JobScheduler, _ stop: StopSignal) -> DispatchGroup {
        let group = DispatchGroup()
        group.enter()
        Thread.detachNewThread {
            defer { group.leave() }
            try? scheduler.run(until: stop)
        }
        return group
    }

    private func waitUntil(_ condition: () throws -> Bool) rethrows {
        let deadline = ContinuousClock.now + .seconds(10)
        while try !condition(), ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
    }

    @Test func twoReplicasWithTheSameClockRunEachPeriodOnce() throws {
        try withJobSchema { schema, admin in
            let clock = ManualClock("2026-12-04T12:00:00Z")
            let record = WorkRecord()
            let stop = StopSignal()
            let running = try ["replica-a", "replica-b"].map { instance in
                let pool = makePool()
                let scheduler = try JobScheduler(
                    schema: schema, pool: pool,
                    jobs: [job(schema: schema, catchUpDays: 3, record: record, pause: 0.02)],
                    instance: instance, clock: { clock.now }, checkInterval: .milliseconds(10),
                    logger: PostgresTestSupport.quietLogger)
                return (pool, start(scheduler, stop))
            }

            try waitUntil { try recordedPeriods("job_run", admin).count == 4 }
            Thread.sleep(forTimeInterval: 0.1)  // more ticks of both replicas, which must find nothing to do
            stop.stop()
            for (pool, group) in running {
                #expect(group.wait(timeout: .now() + 5) == .success)
                pool.close()
            }

            let expected = ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"].map(day)
            #expect(record.periods.sorted() == expected)
            #expect(try recordedPeriods("job_run", admin) == expected)
            #expect(try recordedPeriods("effect", admin) == expected)
            let instances = try admin.query("SELECT DISTINCT instance FROM job_run").map {
                try $0.decode(String.self, at: 0)
            }
            #expect(Set(instances).isSubset(of: ["replica-a", "replica-b"]))
        }
    }

    @Test func aSchedulerBackFromDowntimeCatchesUpInOrderWithinTheWindow() throws {
        try withJobSchema { schema, admin in
            let clock = ManualClock("2026-11-20T12:00:00Z")
            let record = WorkRecord()
            let pool = makePool()
            defer { pool.close() }
            let makeScheduler = {
                try JobScheduler(
                    schema: schema, pool: pool, jobs: [job(schema: schema, catchUpDays: 3, record: record)],
                    clock: { clock.now }, logger: PostgresTestSupport.quietLogger)
            }
            try makeScheduler().runDuePeriods()
            #expect(record.periods == ["2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"].map(day))

            clock.set("2026-12-04T12:00:00Z")  // two weeks later, a new process
            try makeScheduler().runDuePeriods()
            let caughtUp = ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"].map(day)
            #expect(Array(record.periods.dropFirst(4)) == caughtUp)
            #expect(try recordedPeriods("job_run", admin).filter { $0 >= day("2026-11-21") } == caughtUp)
        }
    }

    @Test func aSchedulerRunsDuePeriodsRightAtStartAndStopsAtOnce() throws {
        try withJobSchema { schema, admin in
            let record = WorkRecord()
            let pool = makePool()
            defer { pool.close() }
            let scheduler = try JobScheduler(
                schema: schema, pool: pool, jobs: [job(schema: schema, catchUpDays: 0, record: record)],
                clock: { instant("2026-12-04T12:00:00Z") }, checkInterval: .seconds(3600),
                logger: PostgresTestSupport.quietLogger)
            let stop = StopSignal()
            let group = start(scheduler, stop)

            try waitUntil { try !recordedPeriods("job_run", admin).isEmpty }
            #expect(record.periods == [day("2026-12-04")])
            let stopping = ContinuousClock.now
            stop.stop()
            #expect(group.wait(timeout: .now() + 5) == .success)
            #expect(ContinuousClock.now - stopping < .seconds(1))
        }
    }

    @Test func failedWorkLeavesThePeriodDueAndItRunsAtALaterTick() throws {
        try withJobSchema { schema, admin in
            let sink = MemoryLogSink()
            let failsOnce = Atomic<Bool>(true)
            let record = WorkRecord()
            let pool = makePool()
            defer { pool.close() }
            let failing = job(schema: schema, catchUpDays: 1, record: record) { period in
                period == day("2026-12-03") && failsOnce.exchange(false, ordering: .sequentiallyConsistent)
            }
            let scheduler = try JobScheduler(
                schema: schema, pool: pool, jobs: [failing], clock: { instant("2026-12-04T12:00:00Z") },
                logger: Logger(label: "test.scheduler", sink: sink))

            scheduler.runDuePeriods()
            #expect(record.periods == [day("2026-12-03")])  // the later period waits, to keep the order
            #expect(try recordedPeriods("job_run", admin).isEmpty)
            let warning = sink.lines.first { $0.contains("Scheduled job failed") }
            #expect(warning?.contains("\"level\":\"warning\"") == true)
            #expect(warning?.contains("\"job.period\":\"2026-12-03\"") == true)

            scheduler.runDuePeriods()
            let both = ["2026-12-03", "2026-12-04"].map(day)
            #expect(record.periods == [day("2026-12-03")] + both)
            #expect(try recordedPeriods("job_run", admin) == both)
            #expect(try recordedPeriods("effect", admin) == both)
        }
    }

    @Test func aJobThatKeepsFailingIsRetriedOncePerTick() throws {
        try withJobSchema { schema, admin in
            let record = WorkRecord()
            let pool = makePool()
            defer { pool.close() }
            let scheduler = try JobScheduler(
                schema: schema, pool: pool, jobs: [job(schema: schema, catchUpDays: 0, record: record) { _ in true }],
                clock: { instant("2026-12-04T12:00:00Z") }, checkInterval: .milliseconds(100),
                logger: PostgresTestSupport.quietLogger)
            let stop = StopSignal()
            let group = start(scheduler, stop)
            waitUntil { record.periods.count >= 3 }
            stop.stop()
            #expect(group.wait(timeout: .now() + 5) == .success)

            let times = record.times
            #expect(times.count >= 3)
            for (earlier, later) in zip(times, times.dropFirst()) {
                #expect(later - earlier >= .milliseconds(95))
            }
            #expect(try recordedPeriods("job_run", admin).isEmpty)
        }
    }

    @Test func theWorksWritesAndTheRunRecordCommitTogether() throws {
        try withJobSchema { schema, admin in
            let shouldFail = Atomic<Bool>(true)
            let seen = Mutex<[(inside: Int, outside: Int)]>([])
            let observer = try PostgresTestSupport.connect()
            let work = ScheduledJob(name: "reminders", hour: 8, catchUpDays: 0) { period, connection in
                try connection.execute("INSERT INTO \(schema).effect (period) VALUES ($1)", period)
                let sql = "SELECT count(*) FROM \(schema).job_run WHERE job = 'reminders' AND period = $1"
                let inside = try connection.query(sql, period)[0].decode(Int.self, at: 0)
                let outside = try observer.query(sql, period)[0].decode(Int.self, at: 0)
                seen.withLock { $0.append((inside, outside)) }
                if shouldFail.load(ordering: .sequentiallyConsistent) { throw TestFailure() }
            }
            let pool = makePool()
            defer { pool.close() }
            let scheduler = try JobScheduler(
                schema: schema, pool: pool, jobs: [work], clock: { instant("2026-12-04T12:00:00Z") },
                logger: PostgresTestSupport.quietLogger)

            scheduler.runDuePeriods()
            #expect(try recordedPeriods("effect", admin).isEmpty)
            #expect(try recordedPeriods("job_run", admin).isEmpty)

            shouldFail.store(false, ordering: .sequentiallyConsistent)
            scheduler.runDuePeriods()
            #expect(try recordedPeriods("effect", admin) == [day("2026-12-04")])
            #expect(try recordedPeriods("job_run", admin) == [day("2026-12-04")])
            // The work saw its own run record, which no other session saw before the commit.
            #expect(seen.withLock { $0.map(\.inside) } == [1, 1])
            #expect(seen.withLock { $0.map(\.outside) } == [0, 0])
        }
    }

    @Test func runningAJobForAChosenDateRunsItOnlyOnce() throws {
        try withJobSchema { schema, admin in
            let record = WorkRecord()
            let pool = makePool()
            defer { pool.close() }
            let scheduler = try JobScheduler(
                schema: schema, pool: pool, jobs: [job(schema: schema, catchUpDays: 0, record: record)],
                instance: "operator", clock: { instant("2026-12-04T12:00:00Z") },
                logger: PostgresTestSupport.quietLogger)

            #expect(try scheduler.run(job: "reminders", period: day("2026-06-15")))
            #expect(try scheduler.run(job: "reminders", period: day("2026-12-04")))
            scheduler.runDuePeriods()
            #expect(try !scheduler.run(job: "reminders", period: day("2026-06-15")))
            #expect(try !scheduler.run(job: "reminders", period: day("2026-12-04")))

            #expect(record.periods == ["2026-06-15", "2026-12-04"].map(day))
            #expect(try recordedPeriods("job_run", admin) == ["2026-06-15", "2026-12-04"].map(day))
            let instances = try admin.query("SELECT DISTINCT instance FROM job_run").map {
                try $0.decode(String.self, at: 0)
            }
            #expect(instances == ["operator"])
            let error = #expect(throws: SchedulingError.self) {
                try scheduler.run(job: "unknown", period: day("2026-12-04"))
            }
            #expect(error?.code == .unknownJob)
            #expect(error?.httpError.status == 404)
        }
    }
}
