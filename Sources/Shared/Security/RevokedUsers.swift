import Foundation
import Synchronization

/// The users whose access tokens are refused before they expire: deactivated or deleted users,
/// learnt from Identity's events.
///
/// The events land in one replica of a service (replicas share the queue), so the list lives in
/// the service's `revoked_user` table and every replica reloads it every few seconds.
public final class RevokedUsers: Sendable {
    private let schema: String
    private let users = Mutex<Set<UUID>>([])

    /// The list kept in `schema`.revoked_user.
    public init(schema: String) {
        precondition(SQLName.isValid(schema), "schema name \(schema) is not a plain SQL name")
        self.schema = schema
    }

    /// Whether tokens of `user` are refused.
    public func contains(_ user: UUID) -> Bool {
        users.withLock { $0.contains(user) }
    }

    /// Reads the whole list from the database.
    public func reload(on connection: PostgresConnection) throws {
        let loaded = try connection.query("SELECT user_id FROM \(schema).revoked_user").map {
            try $0.decode(UUID.self, at: 0)
        }
        users.withLock { $0 = Set(loaded) }
    }

    /// Refuses the tokens of `user` from now on, within the transaction of `connection`.
    public func revoke(_ user: UUID, reason: String, on connection: PostgresConnection) throws {
        try connection.execute(
            """
            INSERT INTO \(schema).revoked_user (user_id, reason) VALUES ($1, $2)
            ON CONFLICT (user_id) DO UPDATE SET reason = EXCLUDED.reason, revoked_at = now()
            """, user, reason)
        users.withLock { _ = $0.insert(user) }
    }

    /// Accepts the tokens of `user` again (a reactivation), within the transaction of `connection`.
    public func restore(_ user: UUID, on connection: PostgresConnection) throws {
        try connection.execute("DELETE FROM \(schema).revoked_user WHERE user_id = $1", user)
        users.withLock { _ = $0.remove(user) }
    }

    /// The handlers that keep the list from Identity's events.
    public var handlers: [EventHandler] {
        [
            .on(UserDeactivated.self) { [self] envelope, connection in
                try revoke(envelope.data.userId, reason: "deactivated", on: connection)
            },
            .on(UserDeleted.self) { [self] envelope, connection in
                try revoke(envelope.data.userId, reason: "deleted", on: connection)
            },
            .on(UserReactivated.self) { [self] envelope, connection in
                try restore(envelope.data.user.userId, on: connection)
            },
        ]
    }
}

/// Reloads a service's ``RevokedUsers`` every few seconds, so that every replica refuses a
/// deactivated user's tokens soon after any one of them learnt of it.
public struct RevokedUsersRefresher: ServicePart {
    public let name = "revoked-users"
    let revoked: RevokedUsers
    let pool: PostgresPool
    let interval: Duration
    let logger: Logger

    public init(revoked: RevokedUsers, pool: PostgresPool, interval: Duration = .seconds(2), logger: Logger) {
        self.revoked = revoked
        self.pool = pool
        self.interval = interval
        self.logger = logger
    }

    public func run(until stop: StopSignal) throws {
        repeat {
            do {
                try pool.withConnection { try revoked.reload(on: $0) }
            } catch {
                logger.notice("Revoked users could not be reloaded", metadata: ["error": "\(error)"])
            }
        } while !stop.sleep(for: interval)
    }
}
