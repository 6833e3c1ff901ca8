import Foundation
import Shared

/// A person named in a report row: its id and name as Boleta last heard them.
struct ReportPerson: Codable, Sendable, Equatable {
    var id: UUID
    var name: String
}

/// One boleta in the service report (R29).
struct ServiceReportRow: Codable, Sendable {
    var number: Int64
    var workDate: String
    var clientCode: String
    var patNumber: String?
    var contact: ReportPerson
    var technician: ReportPerson
    var serviceDescription: String
    var nature: BoletaNature
    var amount: String
    var status: String
    var signedAt: Date?
    var agreesWithNature: Bool?
    /// The approver's decision, as Approval last told.
    var decision: ApprovalDecision?
    /// The nature vendor management resolved a divergence to, beside the signed nature.
    var resolvedNature: BoletaNature?
}

/// What `GET /reports/service` answers.
struct ServiceReportPage: Codable, Sendable {
    var items: [ServiceReportRow]
    var limit: Int
    var offset: Int
}

/// The index the service report reads its pages in.
enum ServiceReportMigrations {
    static let all: [Migration] = [
        Migration(
            version: 130, name: "boleta_report_order",
            sql: """
                -- The service report's order (work date, then number, either way): a page of every client's
                -- boletas reads the first rows of this index instead of sorting the whole table.
                CREATE INDEX boleta_date_number ON boleta (work_date, number);
                """)
    ]
}

/// Reads the service report within what a principal may see.
enum ServiceReportStore {
    /// The rows of `query` within `scope`, at most `limit` of them from `offset`, deleted boletas left out.
    static func rows(
        _ query: ServiceReportQuery, scope: BoletaVisibility, limit: Int, offset: Int,
        on connection: PostgresConnection
    ) throws -> [ServiceReportRow] {
        var conditions = ["b.deleted_at IS NULL"]
        var parameters: [(any PostgresEncodable)?] = []
        func bind(_ value: any PostgresEncodable) -> String {
            parameters.append(value)
            return "$\(parameters.count)"
        }
        if let seen = scope.condition(bind) { conditions.append("(\(seen))") }
        if let client = query.clientCode { conditions.append("b.client_code = \(bind(client))") }
        if let from = query.from { conditions.append("b.work_date >= \(bind(from))") }
        if let to = query.to { conditions.append("b.work_date <= \(bind(to))") }
        if let status = query.status { conditions.append("b.status = \(bind(status))") }
        switch query.decision {
        case "pending":
            conditions.append("coalesce(o.resolved_nature, b.nature) <> 'notBilled'")
            conditions.append("o.decision IS NULL AND b.status <> 'cancelled'")
        case "approved": conditions.append("o.decision = 'approve'")
        case "rejected": conditions.append("o.decision = 'reject'")
        default: break
        }
        if let pat = query.patNumber { conditions.append("b.pat_number = \(bind(pat))") }
        if let technician = query.technician { conditions.append("b.technician_user_id = \(bind(technician))") }
        let direction = query.ascending ? "ASC" : "DESC"
        let sql = """
            SELECT b.number, b.work_date, b.client_code, b.pat_number, b.contact_user_id,
                coalesce(c.name, '') AS contact_name, b.technician_user_id, coalesce(t.name, '') AS technician_name,
                b.service_description, b.nature, b.amount, b.status, s.signed_at, s.agrees_with_nature,
                o.decision, o.resolved_nature
            FROM boleta b
                LEFT JOIN known_user c ON c.id = b.contact_user_id
                LEFT JOIN known_user t ON t.id = b.technician_user_id
                LEFT JOIN signature s ON s.boleta_number = b.number
                LEFT JOIN approval_outcome o ON o.boleta_number = b.number
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY b.work_date \(direction), b.number \(direction)
            LIMIT \(bind(limit)) OFFSET \(bind(offset))
            """
        return try connection.query(sql, parameters: parameters).map(row)
    }

    private static func row(_ row: PostgresRow) throws -> ServiceReportRow {
        ServiceReportRow(
            number: try row.decode(Int64.self, "number"),
            workDate: try row.decode(PostgresDate.self, "work_date").description,
            clientCode: try row.decode(String.self, "client_code"),
            patNumber: try row.decode(String?.self, "pat_number"),
            contact: ReportPerson(
                id: try row.decode(UUID.self, "contact_user_id"), name: try row.decode(String.self, "contact_name")),
            technician: ReportPerson(
                id: try row.decode(UUID.self, "technician_user_id"),
                name: try row.decode(String.self, "technician_name")),
            serviceDescription: try row.decode(String.self, "service_description"),
            nature: BoletaNature(rawValue: try row.decode(String.self, "nature")) ?? .billed,
            amount: RecordingFormats.money(try row.decode(Decimal.self, "amount")),
            status: try row.decode(String.self, "status"),
            signedAt: try row.decode(Date?.self, "signed_at"),
            agreesWithNature: try row.decode(Bool?.self, "agrees_with_nature"),
            decision: try row.decode(String?.self, "decision").flatMap(ApprovalDecision.init(rawValue:)),
            resolvedNature: try row.decode(String?.self, "resolved_nature").flatMap(BoletaNature.init(rawValue:)))
    }
}
