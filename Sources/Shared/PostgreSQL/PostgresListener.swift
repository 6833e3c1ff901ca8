import CPostgreSQL
import Foundation

/// A notification the server delivered to a listening session (`NOTIFY channel, 'payload'`).
public struct PostgresNotification: Sendable, Equatable {
    /// The channel it was sent on.
    public var channel: String
    /// The payload, empty when none was given.
    public var payload: String
    /// The server process of the session that sent it.
    public var senderPID: Int
}

extension PostgresConnection {
    /// Starts listening on `channel` (`LISTEN`); the name is quoted, so it is taken as it is.
    public func listen(_ channel: String) throws {
        try executeScript("LISTEN " + quoteIdentifier(channel))
    }

    /// Sends `payload` on `channel` with `pg_notify`; delivered when the current transaction commits.
    public func notify(_ channel: String, payload: String = "") throws {
        try query("SELECT pg_notify($1, $2)", channel, payload)
    }

    /// Waits up to `timeout` for notifications on the channels this session listens to.
    ///
    /// Returns at once with those already received; returns an empty array when the time ran out.
    /// - Throws: ``PostgresError`` with code `connectionLost` when the session broke; open a new
    ///   one, `LISTEN` again and look for work that arrived meanwhile.
    public func waitForNotifications(timeout: Duration) throws -> [PostgresNotification] {
        var received = drainNotifications()
        guard received.isEmpty else { return received }
        let deadline = ContinuousClock.now + timeout
        while received.isEmpty {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { break }
            let parts = remaining.components
            let milliseconds = Int32(min(parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000 + 1, 60_000))
            let socket = PQsocket(handle)
            guard socket >= 0 else { throw lostError(call: "PQsocket") }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw PostgresError(.connectionLost, String(cString: strerror(errno)), call: "poll")
            }
            if ready > 0 {
                guard PQconsumeInput(handle) == 1 else { throw lostError(call: "PQconsumeInput") }
                received = drainNotifications()
            }
        }
        return received
    }

    /// Waits up to `timeout` for a notification; `true` when at least one arrived.
    public func waitForNotification(timeout: Duration) throws -> Bool {
        try !waitForNotifications(timeout: timeout).isEmpty
    }

    private func drainNotifications() -> [PostgresNotification] {
        var received: [PostgresNotification] = []
        while let notice = PQnotifies(handle) {
            defer { PQfreemem(notice) }
            received.append(
                PostgresNotification(
                    channel: String(cString: notice.pointee.relname),
                    payload: notice.pointee.extra.map { String(cString: $0) } ?? "",
                    senderPID: Int(notice.pointee.be_pid)))
        }
        return received
    }

    private func lostError(call: String) -> PostgresError {
        let message = String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines()
        return PostgresError(.connectionLost, message.isEmpty ? "The connection is closed." : message, call: call)
    }
}

/// A dedicated session that listens on one channel and reconnects on the next wait after a failure.
///
/// Meant for a loop on its own thread, such as an outbox relay: wait, then look for work. Because
/// notifications sent while no session listened are lost, a wait right after (re)connecting
/// returns `true` at once so that the caller looks for work it may have missed.
///
/// Used by one thread at a time, so it is not `Sendable`.
public final class PostgresListener {
    /// The channel listened to.
    public let channel: String
    private let url: String
    private let connectTimeout: Int
    private let logger: Logger
    private var connection: PostgresConnection?

    /// Creates a listener; the session opens on the first wait.
    public init(url: String, channel: String, connectTimeout: Int = 5, logger: Logger) {
        self.url = url
        self.channel = channel
        self.connectTimeout = connectTimeout
        self.logger = logger
    }

    /// Waits up to `timeout` for a notification on the channel; `true` when the caller should look for work.
    ///
    /// - Throws: ``PostgresError`` when the session cannot be opened or broke; the next call reconnects.
    public func waitForNotification(timeout: Duration) throws -> Bool {
        guard let connection else {
            let fresh = try PostgresConnection(
                url: url, connectTimeout: connectTimeout, applicationName: "support-services-listener",
                statementCacheCapacity: 0, logger: logger)
            try fresh.listen(channel)
            connection = fresh
            logger.debug("PostgreSQL listener connected", metadata: ["db.channel": channel])
            return true
        }
        do {
            return try connection.waitForNotification(timeout: timeout)
        } catch {
            self.connection = nil
            throw error
        }
    }

    /// The server process of the listening session, or `nil` while disconnected.
    public var backendPID: Int? { connection?.backendPID }
}
