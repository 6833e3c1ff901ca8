import Foundation
import Shared

/// Which boletas a principal sees (R29): the one rule of the service report, of `GET /boletas/{number}`
/// and of its PDF, written once as SQL so that they cannot drift apart.
enum BoletaVisibility: Sendable, Equatable {
    /// Vendor support and management: every client's.
    case all
    /// A manager: every boleta of its client.
    case client(String)
    /// Any other client user: those of its client where it is the contact, and those it decided as
    /// approver (Approval's outcome, as Boleta keeps it).
    case party(client: String, user: UUID)
    /// A technician: those it recorded.
    case technician(UUID)

    /// The visibility of `principal`; a manager's flag as Boleta last heard it from Identity wins over
    /// the token's, so a removed flag stops showing the whole client before the token expires.
    init(_ principal: Principal, on connection: PostgresConnection) throws {
        if principal.seesAllClients {
            self = .all
        } else if principal.isVendorStaff {
            self = .technician(principal.userID)
        } else if let client = principal.clientCode, principal.hasManagerFlag,
            try DirectoryCopy.user(id: principal.userID, on: connection)?.isManager ?? true
        {
            self = .client(client)
        } else {
            self = .party(client: principal.clientCode ?? "", user: principal.userID)
        }
    }

    /// The SQL condition over `boleta b LEFT JOIN approval_outcome o ON o.boleta_number = b.number`,
    /// `nil` when every boleta is seen; `bind` adds a parameter and answers its placeholder.
    func condition(_ bind: (any PostgresEncodable) -> String) -> String? {
        switch self {
        case .all:
            return nil
        case .client(let client):
            return "b.client_code = \(bind(client))"
        case .party(let client, let user):
            let me = bind(user)
            return "b.client_code = \(bind(client)) AND (b.contact_user_id = \(me)"
                + " OR (o.decision IS NOT NULL AND o.decided_by_user_id = \(me)))"
        case .technician(let user):
            return "b.technician_user_id = \(bind(user))"
        }
    }

    /// Whether boleta `number` exists, is not deleted, and is seen.
    func includes(_ number: Int64, on connection: PostgresConnection) throws -> Bool {
        var parameters: [(any PostgresEncodable)?] = [number]
        let condition = condition { value in
            parameters.append(value)
            return "$\(parameters.count)"
        }
        let sql = """
            SELECT EXISTS (
                SELECT 1 FROM boleta b LEFT JOIN approval_outcome o ON o.boleta_number = b.number
                WHERE b.number = $1 AND b.deleted_at IS NULL\(condition.map { " AND (\($0))" } ?? "")
            ) AS seen
            """
        return try connection.query(sql, parameters: parameters)[0].decode(Bool.self, "seen")
    }
}
