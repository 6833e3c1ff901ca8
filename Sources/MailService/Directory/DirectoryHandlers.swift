import Foundation
import Shared

extension MailService {
    /// The handlers that keep Mail's copy of Identity's clients and users, the addresses and names
    /// every message is written with.
    ///
    /// Every handler writes the whole state the event carries, so the same event twice changes
    /// nothing, and an update for a user or client not seen yet inserts it. The events that also
    /// ask for an e-mail (a registration, a new initial password) are merged with the message
    /// handlers, after these, in the same transaction.
    func directoryHandlers() -> [EventHandler] {
        [
            .on(ClientRegistered.self) { envelope, connection in
                let client = envelope.data
                try MailDirectory.saveClient(
                    code: client.code, name: client.name, timeZone: client.timeZone, isActive: nil, on: connection)
            },
            .on(ClientUpdated.self) { envelope, connection in
                let client = envelope.data
                try MailDirectory.saveClient(
                    code: client.code, name: client.name, timeZone: client.timeZone, isActive: client.isActive,
                    on: connection)
            },
            .on(UserRegistered.self) { envelope, connection in
                try MailDirectory.saveUser(envelope.data.user, reactivating: false, on: connection)
            },
            .on(InitialPasswordIssued.self) { envelope, connection in
                try MailDirectory.saveUser(envelope.data.user, reactivating: false, on: connection)
            },
            .on(UserUpdated.self) { envelope, connection in
                try MailDirectory.saveUser(envelope.data.user, reactivating: false, on: connection)
            },
            .on(UserFlagsChanged.self) { envelope, connection in
                try MailDirectory.saveUser(envelope.data.user, reactivating: false, on: connection)
            },
            .on(UserReactivated.self) { envelope, connection in
                try MailDirectory.saveUser(envelope.data.user, reactivating: true, on: connection)
            },
            .on(UserDeactivated.self) { envelope, connection in
                _ = try connection.execute(
                    "UPDATE known_user SET is_active = false, updated_at = now() WHERE id = $1", envelope.data.userId)
            },
            .on(UserDeleted.self) { envelope, connection in
                // The row stays, so that messages already written keep their recipient's name.
                _ = try connection.execute(
                    "UPDATE known_user SET is_deleted = true, updated_at = now() WHERE id = $1", envelope.data.userId)
            },
        ]
    }
}

/// Writes Identity's clients and users into Mail's tables.
enum MailDirectory {
    /// Inserts or updates a client; `isActive` `nil` leaves the state as it is (active when new).
    static func saveClient(
        code: String, name: String, timeZone: String, isActive: Bool?, on connection: PostgresConnection
    ) throws {
        _ = try connection.execute(
            """
            INSERT INTO known_client (code, name, time_zone, is_active) VALUES ($1, $2, $3, COALESCE($4, true))
            ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, time_zone = EXCLUDED.time_zone,
                is_active = COALESCE($4, known_client.is_active)
            """, code, name, timeZone, isActive)
    }

    /// Inserts or updates a user from Identity's summary of it.
    ///
    /// A reactivation makes the user active again; other events leave the state as it is, since
    /// only deactivation, reactivation and deletion change it.
    static func saveUser(_ user: UserSummary, reactivating: Bool, on connection: PostgresConnection) throws {
        if let activeUntil = user.activeUntil, PostgresDate(iso: activeUntil) == nil {
            throw EventRejection("field data.user.activeUntil is not a date (YYYY-MM-DD): \"\(activeUntil)\"")
        }
        _ = try connection.execute(
            """
            INSERT INTO known_user
                (id, client_code, vendor_role, code, name, email, is_manager, is_approver, is_active, active_until)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true, $10::date)
            ON CONFLICT (id) DO UPDATE SET client_code = EXCLUDED.client_code, vendor_role = EXCLUDED.vendor_role,
                code = EXCLUDED.code, name = EXCLUDED.name, email = EXCLUDED.email,
                is_manager = EXCLUDED.is_manager, is_approver = EXCLUDED.is_approver,
                is_active = known_user.is_active OR $9, active_until = EXCLUDED.active_until, updated_at = now()
            """, user.userId, user.clientCode, user.vendorRole?.rawValue, user.code, user.name, user.email,
            user.isManager, user.isApprover, reactivating, user.activeUntil)
    }
}
