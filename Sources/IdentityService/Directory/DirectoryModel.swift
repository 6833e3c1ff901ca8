import Foundation
import Shared

/// A client as Identity stores it (R1).
struct ClientRecord: Sendable, Equatable, Encodable {
    var code: String
    var name: String
    var timeZone: String
    var isActive: Bool

    /// The columns ``init(row:)`` reads, for SELECT and RETURNING lists.
    static let columns = "code, name, time_zone, is_active"

    init(row: PostgresRow) throws {
        code = try row.decode(String.self, "code")
        name = try row.decode(String.self, "name")
        timeZone = try row.decode(String.self, "time_zone")
        isActive = try row.decode(Bool.self, "is_active")
    }

    /// The zone the client's dates live in; São Paulo when the stored name is unknown to this system.
    var zone: TimeZone { TimeZone(identifier: timeZone) ?? ScheduledJob.defaultTimeZone }
}

/// Reads clients.
enum ClientQueries {
    /// The client whose code is `code`.
    static func find(code: String, on connection: PostgresConnection) throws -> ClientRecord? {
        try connection.query("SELECT \(ClientRecord.columns) FROM client WHERE code = $1", code)
            .first.map(ClientRecord.init(row:))
    }
}

/// A user as the directory endpoints answer it; never a password or its hash.
struct UserView: Encodable, Sendable {
    var id: UUID
    var clientCode: String?
    var vendorRole: VendorRole?
    var code: String
    var jobFunctionCode: String?
    var jobTitle: String?
    var name: String
    var email: String
    var birthday: String?
    var phone: String?
    var isManager: Bool
    var isApprover: Bool
    var mustChangePassword: Bool
    var activeUntil: String?
    var isActive: Bool
    var isDeleted: Bool

    init(_ user: UserRecord) {
        id = user.id
        clientCode = user.clientCode
        vendorRole = user.vendorRole
        code = user.code
        jobFunctionCode = user.jobFunctionCode
        jobTitle = user.jobTitle
        name = user.name
        email = user.email
        birthday = user.birthday?.description
        phone = user.phone
        isManager = user.isManager
        isApprover = user.isApprover
        mustChangePassword = user.mustChangePassword
        activeUntil = user.activeUntil?.description
        isActive = user.isActive
        isDeleted = user.isDeleted
    }
}

/// A list of items under `items`, so that the document can grow other members later.
struct ItemList<Item: Encodable & Sendable>: Encodable, Sendable {
    var items: [Item]
}

/// One grant or removal of a flag, as the history endpoint answers it (R7).
struct FlagChangeView: Encodable, Sendable {
    var flag: String
    var granted: Bool
    var patNumber: String
    var changedBy: UUID
    var changedAt: Date
}

extension UserQueries {
    /// The user with `id`, locked until the end of the transaction, so that concurrent changes queue up.
    static func lock(id: UUID, on connection: PostgresConnection) throws -> UserRecord? {
        try connection.query("SELECT \(UserRecord.columns) FROM app_user WHERE id = $1 FOR UPDATE", id)
            .first.map(UserRecord.init(row:))
    }
}
