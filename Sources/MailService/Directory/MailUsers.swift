import Foundation
import Shared

extension DirectoryUser {
    /// The user as a message's recipient.
    var recipient: MailRecipient { MailRecipient(userID: id, name: name, email: email) }
}

/// A user an event names but Mail has not heard of yet: the event is retried, and parked with this
/// reason if the user still is unknown, to be replayed once Identity's event arrived.
struct UnknownUser: Error, CustomStringConvertible {
    var userID: UUID
    /// What the user is to the event, such as `the boleta's contact`.
    var role: String

    var description: String { "\(role) \(userID.uuidString.lowercased()) is not in Mail's directory yet" }
}

/// Reads Mail's copy of Identity's users (``DirectoryCopy``) for the events that name them.
enum MailUsers {
    /// The user with `id`, who is `role` to the event; throws ``UnknownUser`` when Mail has not heard of it.
    static func require(_ id: UUID, as role: String, on connection: PostgresConnection) throws -> DirectoryUser {
        guard let user = try DirectoryCopy.user(id: id, on: connection) else {
            throw UnknownUser(userID: id, role: role)
        }
        return user
    }
}
