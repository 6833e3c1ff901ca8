import Foundation
import Shared

/// A PAT as the endpoints answer it.
struct PatView: Encodable, Sendable {
    /// The contact, with the Boleta user it is when Identity knows it.
    struct Contact: Encodable, Sendable {
        var code: String
        var userId: UUID?
        var name: String?
        var email: String?
    }

    var number: String
    var clientCode: String
    var contact: Contact
    var nature: String
    var system: String?
    var version: String?
    var priority: String?
    var function: String?
    var description: String
    var attachments: [PatDetails.Attachment]
    var status: String
    var revision: Int64
    var openedAt: Date?
    var closedAt: Date?
    var updatedAt: Date
}

/// One page of `GET /pats`.
struct PatPage: Encodable, Sendable {
    var items: [PatView]
    var limit: Int
    var offset: Int
}

/// Reads PATs within what a principal may see.
enum PatStore {
    private static let columns = """
        p.number, p.client_code, p.contact_code, p.contact_user_id, u.name AS contact_name,
        u.email AS contact_email, p.nature, p.system, p.version, p.priority, p.function, p.description,
        p.attachments, p.status, p.revision, p.opened_at, p.closed_at, p.updated_at
        """
    private static let source = "pat p LEFT JOIN known_user u ON u.id = p.contact_user_id"

    /// The PATs of `scope` matching `query`, most recently changed first.
    static func list(_ query: PatQuery, scope: PatScope, on connection: PostgresConnection) throws -> PatPage {
        var conditions: [String] = []
        var parameters: [(any PostgresEncodable)?] = []
        func add(_ condition: String, _ value: any PostgresEncodable) {
            parameters.append(value)
            conditions.append(condition.replacingOccurrences(of: "?", with: "$\(parameters.count)"))
        }
        addScope(scope, to: add)
        if let client = query.clientCode { add("p.client_code = ?", client) }
        if let status = query.status { add("p.status = ?", status) }
        parameters.append(query.limit)
        parameters.append(query.offset)
        let sql = """
            SELECT \(columns) FROM \(source)
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY p.updated_at DESC, p.number DESC LIMIT $\(parameters.count - 1) OFFSET $\(parameters.count)
            """
        let items = try connection.query(sql, parameters: parameters).map(view)
        return PatPage(items: items, limit: query.limit, offset: query.offset)
    }

    /// The PAT `number` if `scope` includes it.
    static func find(_ number: String, scope: PatScope, on connection: PostgresConnection) throws -> PatView? {
        var conditions = ["p.number = $1"]
        var parameters: [(any PostgresEncodable)?] = [number]
        addScope(scope) { condition, value in
            parameters.append(value)
            conditions.append(condition.replacingOccurrences(of: "?", with: "$\(parameters.count)"))
        }
        return try connection.query(
            "SELECT \(columns) FROM \(source) WHERE \(conditions.joined(separator: " AND "))", parameters: parameters
        ).map(view).first
    }

    private static func addScope(_ scope: PatScope, to add: (String, any PostgresEncodable) -> Void) {
        switch scope {
        case .all: break
        case .client(let code): add("p.client_code = ?", code)
        case .contact(let id): add("p.contact_user_id = ?", id)
        }
    }

    private static func view(_ row: PostgresRow) throws -> PatView {
        let attachments = try EventCoding.decoder().decode(
            [PatDetails.Attachment].self, from: Data(try row.decode(String.self, "attachments").utf8))
        return PatView(
            number: try row.decode(String.self, "number"), clientCode: try row.decode(String.self, "client_code"),
            contact: PatView.Contact(
                code: try row.decode(String.self, "contact_code"),
                userId: try row.decode(UUID?.self, "contact_user_id"),
                name: try row.decode(String?.self, "contact_name"),
                email: try row.decode(String?.self, "contact_email")),
            nature: try row.decode(String.self, "nature"), system: try row.decode(String?.self, "system"),
            version: try row.decode(String?.self, "version"), priority: try row.decode(String?.self, "priority"),
            function: try row.decode(String?.self, "function"),
            description: try row.decode(String.self, "description"), attachments: attachments,
            status: try row.decode(String.self, "status"), revision: try row.decode(Int64.self, "revision"),
            openedAt: try row.decode(Date?.self, "opened_at"), closedAt: try row.decode(Date?.self, "closed_at"),
            updatedAt: try row.decode(Date.self, "updated_at"))
    }
}
