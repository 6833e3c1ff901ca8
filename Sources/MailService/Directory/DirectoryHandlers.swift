import Foundation
import Shared

extension MailService {
    /// The handlers that keep Mail's copy of Identity's clients and users (``DirectoryCopy``), the
    /// addresses and names every message is written with, and the date each user is active until.
    ///
    /// A new initial password also saves its user, as Mail writes that user an e-mail. The events
    /// that also ask for an e-mail (a registration, a new initial password) are merged with the
    /// message handlers, after these, in the same transaction.
    func directoryHandlers() -> [EventHandler] {
        EventHandler.merging(
            DirectoryCopy.handlers,
            DirectoryCopy.afterSavingUser { try MailDirectory.saveActiveUntil(of: $0, on: $1) } + [
                .on(InitialPasswordIssued.self) { envelope, connection in
                    try MailDirectory.saveUser(envelope.data.user, reactivating: false, on: connection)
                }
            ])
    }
}

/// Writes Identity's users into Mail's tables: the ``DirectoryCopy`` and the date a user is active until.
enum MailDirectory {
    /// Inserts or updates a user from Identity's summary of it, as ``DirectoryCopy/saveUser(_:reactivating:on:)``
    /// does, with the date it is active until.
    static func saveUser(_ user: UserSummary, reactivating: Bool, on connection: PostgresConnection) throws {
        try DirectoryCopy.saveUser(user, reactivating: reactivating, on: connection)
        try saveActiveUntil(of: user, on: connection)
    }

    /// Records the date `user`, already in the copy, is active until; an event with a date that is
    /// not one is rejected, and its transaction writes nothing.
    static func saveActiveUntil(of user: UserSummary, on connection: PostgresConnection) throws {
        if let activeUntil = user.activeUntil, PostgresDate(iso: activeUntil) == nil {
            throw EventRejection("field data.user.activeUntil is not a date (YYYY-MM-DD): \"\(activeUntil)\"")
        }
        _ = try connection.execute(
            "UPDATE known_user SET active_until = $2::date WHERE id = $1", user.userId, user.activeUntil)
    }
}
