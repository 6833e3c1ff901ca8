import Foundation
import Shared

/// A user as Mail last heard of it from Identity.
struct MailUser: Sendable, Equatable {
    var id: UUID
    /// The user's client; `nil` for vendor staff.
    var clientCode: String?
    /// The staff member's role; `nil` for client users.
    var vendorRole: VendorRole?
    var code: String
    var name: String
    var email: String
    var isManager: Bool
    var isApprover: Bool
    var isActive: Bool
    var isDeleted: Bool

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

/// Reads Mail's copy of Identity's users and clients.
enum MailUsers {
    private static let columns =
        "id, client_code, vendor_role, code, name, email, is_manager, is_approver, is_active, is_deleted"

    /// The user with `id`, deleted or not; `nil` when Mail has not heard of it.
    static func find(id: UUID, on connection: PostgresConnection) throws -> MailUser? {
        try connection.query("SELECT \(columns) FROM known_user WHERE id = $1", id).map(user).first
    }

    /// The user with `id`, who is `role` to the event; throws ``UnknownUser`` when Mail has not heard of it.
    static func require(_ id: UUID, as role: String, on connection: PostgresConnection) throws -> MailUser {
        guard let user = try find(id: id, on: connection) else { throw UnknownUser(userID: id, role: role) }
        return user
    }

    /// The active vendor staff with `role`, by name.
    static func staff(_ role: VendorRole, on connection: PostgresConnection) throws -> [MailUser] {
        try connection.query(
            """
            SELECT \(columns) FROM known_user
            WHERE vendor_role = $1 AND is_active AND NOT is_deleted ORDER BY name, id
            """, role.rawValue
        ).map(user)
    }

    /// The name and time zone of client `code`, when Mail knows it.
    static func client(_ code: String, on connection: PostgresConnection) throws -> (name: String, timeZone: String)? {
        try connection.query("SELECT name, time_zone FROM known_client WHERE code = $1", code).first.map {
            (try $0.decode(String.self, "name"), try $0.decode(String.self, "time_zone"))
        }
    }

    private static func user(_ row: PostgresRow) throws -> MailUser {
        MailUser(
            id: try row.decode(UUID.self, "id"), clientCode: try row.decode(String?.self, "client_code"),
            vendorRole: try row.decode(String?.self, "vendor_role").flatMap(VendorRole.init(rawValue:)),
            code: try row.decode(String.self, "code"), name: try row.decode(String.self, "name"),
            email: try row.decode(String.self, "email"), isManager: try row.decode(Bool.self, "is_manager"),
            isApprover: try row.decode(Bool.self, "is_approver"), isActive: try row.decode(Bool.self, "is_active"),
            isDeleted: try row.decode(Bool.self, "is_deleted"))
    }
}
