import Dispatch
import Foundation
import Synchronization

/// A bounded pool of PostgreSQL connections, shared by all the threads of a service.
///
/// Connections are opened on demand up to `maxConnections`. A caller that finds them all busy
/// waits up to `acquireTimeout`, then gets `poolTimeout` (503). A connection that broke is closed
/// and never handed out again, so after a database restart the pool heals by itself: only the
/// statements in flight at the restart fail.
public final class PostgresPool: Sendable {
    /// How the pool connects and how far it grows.
    public struct Configuration: Sendable {
        /// The libpq URL (`postgresql://user:password@host:port/database`).
        public var url: String
        /// The most connections open at once.
        public var maxConnections: Int
        /// How long a caller waits for a free connection before `poolTimeout`.
        public var acquireTimeout: Duration
        /// Seconds to wait for the server when opening a connection.
        public var connectTimeout: Int
        /// The name shown in `pg_stat_activity` unless the URL names one.
        public var applicationName: String
        /// How many statements each connection prepares once and reuses.
        public var statementCacheCapacity: Int

        /// Creates a configuration with defaults fit for one service replica.
        public init(
            url: String, maxConnections: Int = 10, acquireTimeout: Duration = .seconds(5), connectTimeout: Int = 5,
            applicationName: String = "support-services", statementCacheCapacity: Int = 128
        ) {
            self.url = url
            self.maxConnections = maxConnections
            self.acquireTimeout = acquireTimeout
            self.connectTimeout = connectTimeout
            self.applicationName = applicationName
            self.statementCacheCapacity = statementCacheCapacity
        }
    }

    /// The isolation level a transaction runs at.
    public enum IsolationLevel: String, Sendable {
        /// Each statement sees what was committed before it began; PostgreSQL's default.
        case readCommitted = "READ COMMITTED"
        /// The whole transaction sees one snapshot; a concurrent update of the same row fails it.
        case repeatableRead = "REPEATABLE READ"
        /// As if the transactions ran one after another; conflicts fail with 40001 and are retried.
        case serializable = "SERIALIZABLE"
    }

    /// How this pool connects and how far it grows.
    public let configuration: Configuration
    private let logger: Logger
    // One permit per connection that may be in use; a caller holds one from acquire to release.
    private let permits: DispatchSemaphore
    private let state = Mutex(State())

    private struct State {
        var idle: [PostgresConnection] = []
        var isClosed = false
    }

    /// Creates a pool; no connection opens until the first caller needs one.
    public init(configuration: Configuration, logger: Logger) {
        precondition(configuration.maxConnections > 0, "a pool needs at least one connection")
        self.configuration = configuration
        self.logger = logger
        self.permits = DispatchSemaphore(value: configuration.maxConnections)
    }

    /// The connections open and waiting for a caller.
    public var idleCount: Int { state.withLock { $0.idle.count } }

    /// Checks that the database answers, for a readiness probe.
    ///
    /// - Throws: ``PostgresError`` (503) when no connection can be had or the statement fails.
    public func checkReachable() throws {
        try withConnection { try $0.query("SELECT 1") }
    }

    /// Lends a connection to `body` and takes it back afterwards.
    ///
    /// A transaction left open by `body` is rolled back; a connection that broke is closed. A caller
    /// may wait up to `acquireTimeout` for a free slot, then up to `connectTimeout` for a new session.
    /// - Throws: `poolTimeout` when none became free in time, `connectionFailed` when none could be
    ///   opened, and whatever `body` throws.
    @discardableResult
    public func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try acquire()
        defer { release(connection) }
        return try body(connection)
    }

    /// Runs `body` in a transaction and commits it, or rolls it back when `body` throws.
    ///
    /// A transaction that lost a serialization conflict or a deadlock is run again whole, up to
    /// `maxAttempts` times in all, after a short random pause; `body` must therefore have no effect
    /// outside the database.
    @discardableResult
    public func withTransaction<T>(
        isolation: IsolationLevel = .readCommitted, maxAttempts: Int = 5, _ body: (PostgresConnection) throws -> T
    ) throws -> T {
        var attempt = 1
        while true {
            do {
                return try withConnection { connection in
                    try connection.withTransaction(isolation: isolation, body)
                }
            } catch let error as PostgresError where error.isSerializationFailure && attempt < maxAttempts {
                logger.debug(
                    "PostgreSQL transaction retried after a conflict",
                    metadata: ["db.sqlState": error.sqlState ?? "", "db.attempt": String(attempt)])
                // Exponential pause with jitter, so that the conflicting transactions do not meet again.
                let base = min(0.005 * Double(1 << min(attempt, 6)), 0.2)
                Thread.sleep(forTimeInterval: base * Double.random(in: 0.5...1.5))
                attempt += 1
            }
        }
    }

    /// Closes the idle connections and refuses new callers; connections in use close when they come back.
    public func close() {
        let connections = state.withLock { state in
            state.isClosed = true
            defer { state.idle.removeAll() }
            return state.idle
        }
        _ = connections  // released here, outside the lock: PQfinish talks to the server.
    }

    private func acquire() throws -> PostgresConnection {
        let timeout = configuration.acquireTimeout.components
        let nanoseconds = Int(timeout.seconds) * 1_000_000_000 + Int(timeout.attoseconds / 1_000_000_000)
        guard permits.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success else {
            logger.info(
                "PostgreSQL pool exhausted", metadata: ["db.maxConnections": String(configuration.maxConnections)])
            throw PostgresError(
                .poolTimeout, "No database connection became free within \(configuration.acquireTimeout).")
        }
        let (reused, isClosed) = state.withLock { ($0.idle.popLast(), $0.isClosed) }
        guard !isClosed else {
            permits.signal()
            throw PostgresError(.poolClosed, "The database pool is closed.")
        }
        var candidate = reused
        while let connection = candidate {
            if connection.checkIdle() { return connection }
            logger.debug(
                "PostgreSQL idle connection found broken", metadata: ["db.backendPID": String(connection.backendPID)])
            candidate = state.withLock { $0.idle.popLast() }
        }
        do {
            return try PostgresConnection(
                url: configuration.url, connectTimeout: configuration.connectTimeout,
                applicationName: configuration.applicationName,
                statementCacheCapacity: configuration.statementCacheCapacity, logger: logger)
        } catch {
            permits.signal()
            throw error
        }
    }

    private func release(_ connection: PostgresConnection) {
        defer { permits.signal() }
        if connection.isHealthy && connection.isInTransaction {
            do {
                try connection.executeScript("ROLLBACK")
            } catch {
                logger.debug("PostgreSQL rollback on release failed", metadata: ["db.error": "\(error)"])
            }
        }
        guard connection.isHealthy, !connection.isInTransaction else { return }
        state.withLock { state in
            if !state.isClosed { state.idle.append(connection) }
        }
    }
}

extension PostgresConnection {
    /// Runs `body` in a transaction on this connection: commits when it returns, rolls back when it throws.
    ///
    /// No retry here; ``PostgresPool/withTransaction(isolation:maxAttempts:_:)`` retries conflicts.
    @discardableResult
    public func withTransaction<T>(
        isolation: PostgresPool.IsolationLevel = .readCommitted, _ body: (PostgresConnection) throws -> T
    ) throws -> T {
        try executeScript("BEGIN ISOLATION LEVEL \(isolation.rawValue)")
        do {
            let value = try body(self)
            if !isInTransaction || isFailedTransaction {
                // COMMIT of a failed transaction answers ROLLBACK without an error; never let that pass.
                throw PostgresError(
                    .queryFailed, "The transaction failed inside its body and cannot be committed.", call: "COMMIT")
            }
            try executeScript("COMMIT")
            return value
        } catch {
            if isHealthy && isInTransaction {
                try? executeScript("ROLLBACK")
            }
            throw error
        }
    }
}
