import Foundation
import Shared

extension BoletaService {
    /// The PAT endpoints: `GET /pats` and `GET /pats/{number}`, for any signed-in user, each
    /// seeing only the PATs it may (R4, R6).
    func addPatRoutes(to router: inout Router) {
        let service = self
        router.group(middleware: [context.requireToken]) { router in
            router.get("/pats") { request in
                let principal = try request.principal(as: Principal.self)
                let query = try PatQuery(request.query)
                let page = try service.pool.withConnection { connection in
                    let scope = try PatScope(principal, on: connection)
                    return try PatStore.list(query, scope: scope, on: connection)
                }
                return try .json(page)
            }
            router.get("/pats/{number}") { request in
                let principal = try request.principal(as: Principal.self)
                let number = try request.pathParameter("number")
                let pat = try service.pool.withConnection { connection in
                    try PatStore.find(number, scope: try PatScope(principal, on: connection), on: connection)
                }
                // Another's PAT answers as one that does not exist, so its number tells nothing.
                guard let pat else { throw HTTPError.notFound("There is no PAT \(number) you can see.") }
                return try .json(pat)
            }
        }
    }
}

/// Which PATs a principal sees: vendor staff all, a manager its client's, a user those whose
/// contact it is.
enum PatScope: Sendable, Equatable {
    case all
    case client(String)
    case contact(UUID)

    /// The scope of `principal`; a manager's flag as Boleta last heard it from Identity wins over
    /// the token's, so a removed flag stops showing the client's PATs before the token expires.
    init(_ principal: Principal, on connection: PostgresConnection) throws {
        if principal.isVendorStaff {
            self = .all
        } else if let client = principal.clientCode, principal.hasManagerFlag,
            try DirectoryCopy.user(id: principal.userID, on: connection)?.isManager ?? true
        {
            self = .client(client)
        } else {
            self = .contact(principal.userID)
        }
    }
}

/// The filters and page of `GET /pats`.
struct PatQuery: Sendable {
    static let defaultLimit = 50
    static let maxLimit = 200

    var clientCode: String?
    var status: String?
    var limit: Int
    var offset: Int

    /// Reads the query string; a limit or offset that is not a number in range answers 422.
    init(_ parameters: Parameters) throws(HTTPError) {
        clientCode = parameters["clientCode"].flatMap { $0.isEmpty ? nil : $0 }
        status = parameters["status"].flatMap { $0.isEmpty ? nil : $0 }
        var errors: [HTTPError.FieldError] = []
        func number(_ name: String, default value: Int, range: ClosedRange<Int>) -> Int {
            guard let text = parameters[name] else { return value }
            guard let parsed = Int(text), range.contains(parsed) else {
                let message = "must be a whole number from \(range.lowerBound) to \(range.upperBound)"
                errors.append(.init(field: name, message: message))
                return value
            }
            return parsed
        }
        limit = number("limit", default: Self.defaultLimit, range: 1...Self.maxLimit)
        offset = number("offset", default: 0, range: 0...Int(Int32.max))
        guard errors.isEmpty else { throw HTTPError.invalid(errors) }
    }
}
