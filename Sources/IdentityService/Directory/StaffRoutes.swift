import Foundation
import Shared

/// One page of `GET /staff`.
struct StaffPage: Encodable, Sendable {
    var items: [UserView]
    var limit: Int
    var offset: Int
}

/// The filters and page of `GET /staff`; an empty filter is no filter.
struct StaffQuery: Sendable, Equatable {
    static let defaultLimit = 50
    static let maxLimit = 200

    var code: String?
    var role: VendorRole?
    var limit: Int
    var offset: Int

    /// Reads the query string; a malformed code, an unknown role, or a limit or offset that is
    /// not a whole number in range answers 422 naming each such parameter.
    init(_ parameters: Parameters) throws(HTTPError) {
        var validator = FieldValidator()
        code = validator.matching(
            "code", parameters["code"].flatMap { $0.isEmpty ? nil : $0 }, DirectoryPatterns.code,
            "must be 1 to 20 upper-case letters and digits (D51591)")
        let roleName = parameters["role"].flatMap { $0.isEmpty ? nil : $0 }
        role = roleName.flatMap(VendorRole.init(rawValue:))
        if roleName != nil && role == nil { validator.reject("role", "must be technician, support or management") }
        func number(_ name: String, default value: Int, range: ClosedRange<Int>) -> Int {
            guard let text = parameters[name] else { return value }
            guard let parsed = Int(text), range.contains(parsed) else {
                validator.reject(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
                return value
            }
            return parsed
        }
        limit = number("limit", default: Self.defaultLimit, range: 1...Self.maxLimit)
        offset = number("offset", default: 0, range: 0...Int(Int32.max))
        try validator.check()
    }
}

extension IdentityService {
    /// The vendor's staff (R8), for vendor support, which registers them, and management.
    func addStaffRoutes(to router: inout Router) {
        let service = self
        router.get("/staff", middleware: [context.requireVendorRole(.support, .management)]) { request in
            let query = try StaffQuery(request.query)
            let staff = try service.pool.withConnection { connection in
                try service.listStaff(query, on: connection)
            }
            return try .json(StaffPage(items: staff.map(UserView.init), limit: query.limit, offset: query.offset))
        }
    }

    /// The staff members that are not deleted and match `query`, ordered by code.
    func listStaff(_ query: StaffQuery, on connection: PostgresConnection) throws -> [UserRecord] {
        try connection.query(
            """
            SELECT \(UserRecord.columns) FROM app_user
            WHERE vendor_role IS NOT NULL AND deleted_at IS NULL
                AND ($1::text IS NULL OR code = $1) AND ($2::text IS NULL OR vendor_role = $2)
            ORDER BY code, id LIMIT $3 OFFSET $4
            """, query.code, query.role?.rawValue, query.limit, query.offset
        ).map(UserRecord.init(row:))
    }
}
