import Foundation
import Shared

extension BoletaService {
    /// The handlers that keep Boleta's copy of Identity's clients and users.
    ///
    /// Every handler writes the whole state the event carries, so the same event twice changes
    /// nothing, and an update for a user or client not seen yet inserts it.
    func directoryHandlers() -> [EventHandler] {
        [
            .on(ClientRegistered.self) { envelope, connection in
                let client = envelope.data
                try Directory.saveClient(
                    code: client.code, name: client.name, timeZone: client.timeZone, isActive: nil, on: connection)
            },
            .on(ClientUpdated.self) { envelope, connection in
                let client = envelope.data
                try Directory.saveClient(
                    code: client.code, name: client.name, timeZone: client.timeZone, isActive: client.isActive,
                    on: connection)
            },
            .on(UserRegistered.self) { envelope, connection in
                try Directory.saveUser(envelope.data.user, reactivating: false, on: connection)
            },
            .on(UserUpdated.self) { envelope, connection in
                try Directory.saveUser(envelope.data.user, reactivating: false, on: connection)
            },
            .on(UserFlagsChanged.self) { envelope, connection in
                try Directory.saveUser(envelope.data.user, reactivating: false, on: connection)
            },
            .on(UserReactivated.self) { envelope, connection in
                try Directory.saveUser(envelope.data.user, reactivating: true, on: connection)
            },
            .on(UserDeactivated.self) { envelope, connection in
                _ = try connection.execute(
                    "UPDATE known_user SET is_active = false, updated_at = now() WHERE id = $1", envelope.data.userId)
            },
            .on(UserDeleted.self) { envelope, connection in
                // The row stays: boletas and PATs keep naming the user (R12).
                _ = try connection.execute(
                    "UPDATE known_user SET is_deleted = true, updated_at = now() WHERE id = $1", envelope.data.userId)
            },
        ]
    }
}

/// Writes Identity's clients and users into Boleta's tables, as every service's ``DirectoryCopy`` does,
/// and ties PATs to their contact.
enum Directory {
    /// Inserts or updates a client; `isActive` `nil` leaves the state as it is (active when new).
    static func saveClient(
        code: String, name: String, timeZone: String, isActive: Bool?, on connection: PostgresConnection
    ) throws {
        try DirectoryCopy.saveClient(code: code, name: name, timeZone: timeZone, isActive: isActive, on: connection)
    }

    /// Inserts or updates a user from Identity's summary of it.
    ///
    /// A reactivation makes the user active again; other events leave the state as it is, since
    /// only deactivation, reactivation and deletion change it. PATs that named the user by its
    /// code before Boleta knew it are tied to it now.
    static func saveUser(_ user: UserSummary, reactivating: Bool, on connection: PostgresConnection) throws {
        try DirectoryCopy.saveUser(user, reactivating: reactivating, on: connection)
        if let client = user.clientCode {
            _ = try connection.execute(
                """
                UPDATE pat SET contact_user_id = $1
                WHERE client_code = $2 AND contact_code = $3 AND contact_user_id IS NULL
                """, user.userId, client, user.code)
        }
    }
}
