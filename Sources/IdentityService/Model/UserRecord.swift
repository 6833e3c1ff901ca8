import Foundation
import Shared

/// A user as Identity stores it: a client user (with its client and flags) or vendor staff
/// (with its role). Never carries a password.
struct UserRecord: Sendable, Equatable {
    var id: UUID
    var clientCode: String?
    var vendorRole: VendorRole?
    var code: String
    var jobFunctionCode: String?
    var jobTitle: String?
    var name: String
    var email: String
    var birthday: PostgresDate?
    var phone: String?
    var isManager: Bool
    var isApprover: Bool
    var mustChangePassword: Bool
    var activeUntil: PostgresDate?
    var isActive: Bool
    var isDeleted: Bool

    /// The columns ``init(row:)`` reads, for SELECT lists.
    static let columns = """
        id, client_code, vendor_role, code, job_function_code, job_title, name, email, birthday, phone, is_manager,
        is_approver, must_change_password, active_until, is_active, deleted_at IS NOT NULL AS is_deleted
        """

    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        clientCode = try row.decode(String?.self, "client_code")
        vendorRole = try row.decode(String?.self, "vendor_role").flatMap(VendorRole.init(rawValue:))
        code = try row.decode(String.self, "code")
        jobFunctionCode = try row.decode(String?.self, "job_function_code")
        jobTitle = try row.decode(String?.self, "job_title")
        name = try row.decode(String.self, "name")
        email = try row.decode(String.self, "email")
        birthday = try row.decode(PostgresDate?.self, "birthday")
        phone = try row.decode(String?.self, "phone")
        isManager = try row.decode(Bool.self, "is_manager")
        isApprover = try row.decode(Bool.self, "is_approver")
        mustChangePassword = try row.decode(Bool.self, "must_change_password")
        activeUntil = try row.decode(PostgresDate?.self, "active_until")
        isActive = try row.decode(Bool.self, "is_active")
        isDeleted = try row.decode(Bool.self, "is_deleted")
    }

    /// The summary other services receive in events.
    var summary: UserSummary {
        UserSummary(
            userId: id, clientCode: clientCode, vendorRole: vendorRole, code: code, name: name, email: email,
            isManager: isManager, isApprover: isApprover, activeUntil: activeUntil?.description)
    }

    /// Whether the user may log in, sign and approve: not deleted, not inactivated.
    var canAct: Bool { isActive && !isDeleted }
}

/// Reads users.
enum UserQueries {
    /// The user with `id`, deleted or not.
    static func find(id: UUID, on connection: PostgresConnection) throws -> UserRecord? {
        try connection.query("SELECT \(UserRecord.columns) FROM app_user WHERE id = $1", id)
            .first.map(UserRecord.init(row:))
    }

    /// The user (not deleted) whose e-mail is `email`, compared without regard to case.
    static func find(email: String, on connection: PostgresConnection) throws -> UserRecord? {
        try connection.query(
            "SELECT \(UserRecord.columns) FROM app_user WHERE lower(email) = lower($1) AND deleted_at IS NULL", email
        ).first.map(UserRecord.init(row:))
    }
}
