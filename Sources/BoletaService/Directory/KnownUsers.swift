import Foundation
import Shared

/// A user as Boleta last heard of it from Identity.
struct KnownUser: Sendable, Equatable {
    var id: UUID
    /// The user's client; `nil` for vendor staff.
    var clientCode: String?
    /// The staff member's role; `nil` for client users.
    var vendorRole: VendorRole?
    /// The user's code within its client, or the staff code.
    var code: String
    var name: String
    var email: String
    var isManager: Bool
    var isApprover: Bool
    var isActive: Bool
    /// Whether Identity deleted the user; the row stays for the history that names it (R12).
    var isDeleted: Bool
}

/// Reads Boleta's copy of Identity's users.
enum KnownUsers {
    private static let columns =
        "id, client_code, vendor_role, code, name, email, is_manager, is_approver, is_active, is_deleted"

    /// The user with `id`, deleted or not; `nil` when Boleta has not heard of it.
    static func find(id: UUID, on connection: PostgresConnection) throws -> KnownUser? {
        try connection.query("SELECT \(columns) FROM known_user WHERE id = $1", id).map(user).first
    }

    /// The user of `clientCode` with `code`; of several (a code reused after a deletion), the one
    /// not deleted, else the latest changed.
    static func find(clientCode: String, code: String, on connection: PostgresConnection) throws -> KnownUser? {
        try connection.query(
            """
            SELECT \(columns) FROM known_user WHERE client_code = $1 AND code = $2
            ORDER BY is_deleted, updated_at DESC LIMIT 1
            """, clientCode, code
        ).map(user).first
    }

    private static func user(_ row: PostgresRow) throws -> KnownUser {
        KnownUser(
            id: try row.decode(UUID.self, "id"), clientCode: try row.decode(String?.self, "client_code"),
            vendorRole: try row.decode(String?.self, "vendor_role").flatMap(VendorRole.init(rawValue:)),
            code: try row.decode(String.self, "code"), name: try row.decode(String.self, "name"),
            email: try row.decode(String.self, "email"), isManager: try row.decode(Bool.self, "is_manager"),
            isApprover: try row.decode(Bool.self, "is_approver"), isActive: try row.decode(Bool.self, "is_active"),
            isDeleted: try row.decode(Bool.self, "is_deleted"))
    }
}
