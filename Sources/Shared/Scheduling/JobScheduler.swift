import Foundation

/// Runs daily jobs once per period however many replicas run, and makes up the runs missed while
/// the service was down.
///
/// Right at start and then every `checkInterval`, it runs, oldest first, each job's due periods
/// (``ScheduledJob/duePeriods(now:)``) that have no row in the schema's `job_run` table:
///
/// ```sql
/// CREATE TABLE job_run (
///     job text NOT NULL,
///     period date NOT NULL,
///     started_at timestamptz NOT NULL DEFAULT now(),
///     instance text NOT NULL,
///     PRIMARY KEY (job, period)
/// );
/// ```
///
/// A replica claims a period by inserting its row and does the work in that same transaction. The
/// primary key makes a competing replica's insert wait for that transaction: if it commits, the
/// other finds the row and does nothing; if the work throws, the row rolls back with the work's
/// writes, the period stays due, and the next tick tries it again.
public final class JobScheduler: ServicePart {
    /// The part's name in logs.
    public let name = "job-scheduler"
    /// The schema whose `job_run` table records the runs.
    public let schema: String
    /// What this replica writes in `job_run.instance`, to tell who ran a period.
    public let instance: String
    /// The jobs, by the order they were given.
    public let jobs: [ScheduledJob]
    private let pool: PostgresPool
    private let clock: @Sendable () -> Date
    private let checkInterval: Duration
    private let logger: Logger
    private let table: String

    /// Creates a scheduler of `jobs` whose runs are recorded in `schema`'s `job_run` table.
    ///
    /// - Parameters:
    ///   - schema: the service's schema, a plain lower-case SQL identifier (`boleta`).
    ///   - instance: this replica's name; host name and process id unless told otherwise.
    ///   - clock: the current time; tests move it to simulate days passing.
    ///   - checkInterval: how often to look for due periods, and so how long a failed run waits.
    /// - Throws: ``SchedulingError`` when the schema name is not plain or two jobs share a name.
    public init(
        schema: String, pool: PostgresPool, jobs: [ScheduledJob], instance: String = JobScheduler.defaultInstance,
        clock: @escaping @Sendable () -> Date = { Date() }, checkInterval: Duration = .seconds(30), logger: Logger
    ) throws {
        guard schema.wholeMatch(of: /[a-z_][a-z0-9_]{0,62}/) != nil else {
            throw SchedulingError(.invalidSchema, "\"\(schema)\" is not a plain lower-case SQL identifier.")
        }
        var names: Set<String> = []
        for job in jobs where !names.insert(job.name).inserted {
            throw SchedulingError(.duplicateJob, "Two scheduled jobs are named \(job.name).")
        }
        self.schema = schema
        self.instance = instance
        self.jobs = jobs
        self.pool = pool
        self.clock = clock
        self.checkInterval = checkInterval
        self.logger = logger
        // Quoted although plain, so that a schema named like a keyword still works.
        self.table = "\"\(schema)\".job_run"
    }

    /// The host name and process id, which tell replicas apart in `job_run`.
    public static var defaultInstance: String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let status = buffer.withUnsafeMutableBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { gethostname($0.baseAddress!, $0.count - 1) }
        }
        let host = status == 0 ? String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self) : "unknown-host"
        return "\(host):\(getpid())"
    }

    /// Runs due periods right away and then every `checkInterval` until `stop` is set.
    ///
    /// Failures are logged and retried at a later tick, never thrown: a database outage must not
    /// stop the service.
    public func run(until stop: StopSignal) throws {
        repeat {
            runDuePeriods(until: stop)
        } while !stop.sleep(for: checkInterval)
    }

    /// Runs `job name` for `period` now, unless that period already ran; returns whether it ran.
    ///
    /// For an operator who runs a job for a chosen date. The same once-only rule holds: the period
    /// is recorded in `job_run` with the work, so the ticks will not run it again.
    /// - Throws: ``SchedulingError`` `unknownJob`, a ``PostgresError``, or what the work throws; then
    ///   nothing was recorded.
    public func run(job name: String, period: PostgresDate) throws -> Bool {
        guard let job = jobs.first(where: { $0.name == name }) else {
            throw SchedulingError(.unknownJob, "No scheduled job is named \(name).")
        }
        return try claimAndRun(job, period: period)
    }

    /// One tick: every job's due periods that have not run yet, oldest first.
    func runDuePeriods(until stop: StopSignal? = nil) {
        let now = clock()
        for job in jobs {
            guard stop?.isStopped != true else { return }
            runDuePeriods(of: job, now: now, until: stop)
        }
    }

    private func runDuePeriods(of job: ScheduledJob, now: Date, until stop: StopSignal?) {
        let due = job.duePeriods(now: now)
        guard let earliest = due.first else { return }
        var current: PostgresDate?
        do {
            let alreadyRun = try pool.withConnection { connection in
                let rows = try connection.query(
                    "SELECT period FROM \(table) WHERE job = $1 AND period >= $2", job.name, earliest)
                return Set(try rows.map { try $0.decode(PostgresDate.self, "period") })
            }
            for period in due where !alreadyRun.contains(period) {
                guard stop?.isStopped != true else { return }
                current = period
                try claimAndRun(job, period: period)
            }
        } catch {
            // The later periods wait for the next tick too, so that a job's periods run in order.
            var metadata = ["job.name": job.name, "error": "\(error)"]
            metadata["job.period"] = current?.description
            logger.warning("Scheduled job failed", metadata: metadata)
        }
    }

    @discardableResult
    private func claimAndRun(_ job: ScheduledJob, period: PostgresDate) throws -> Bool {
        let started = ContinuousClock.now
        let ran = try pool.withTransaction { connection in
            let claimed = try connection.query(
                "INSERT INTO \(table) (job, period, instance) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING job",
                job.name, period, instance)
            guard !claimed.isEmpty else { return false }
            try job.work(period, connection)
            return true
        }
        let metadata = ["job.name": job.name, "job.period": period.description]
        if ran {
            let elapsed = (ContinuousClock.now - started).wholeMilliseconds
            logger.info("Scheduled job ran", metadata: metadata.merging(["job.durationMs": String(elapsed)]) { $1 })
        } else {
            logger.debug("Scheduled job period already ran", metadata: metadata)
        }
        return ran
    }
}
