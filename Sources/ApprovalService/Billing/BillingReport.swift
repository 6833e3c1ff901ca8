import Foundation
import Shared

/// One billed or contracted boleta in the billing report (R30).
struct BillingRow: Codable, Sendable {
    var number: Int64
    var workDate: String
    var clientCode: String
    var patNumber: String?
    var contact: PersonView
    var technician: PersonView
    var serviceDescription: String
    /// The nature the technician set.
    var nature: BoletaNature
    /// The nature that holds: the one vendor management resolved, else the technician's (R28).
    var resolvedNature: BoletaNature
    var amount: String
    /// The hours worked, as whole minutes; `nil` for a boleta whose events were written before Boleta told them.
    var minutes: Int?
    /// The same hours as `H:MM`.
    var hours: String?
    var isSigned: Bool
    /// `pending`, `approved` or `rejected`.
    var status: String
    var decision: ApprovalDecision?
}

/// The sums of the amounts, to the cent, and of the hours, to the minute, of a group of rows.
struct BillingTotal: Codable, Sendable, Equatable {
    /// The nature (`billed`, `contracted`) or the month (`YYYY-MM`) of the group.
    var key: String
    var count: Int
    var amount: String
    /// The hours of the rows that have them, as whole minutes.
    var minutes: Int
    /// The same hours as `H:MM`.
    var hours: String
    /// How many rows of the group have no hours, their events written before Boleta told them; 0 normally.
    var countWithoutHours: Int
}

/// What `GET /reports/billing` answers: a page of rows, and the totals of every row of the filter.
struct BillingReportPage: Codable, Sendable {
    var items: [BillingRow]
    var totalsByNature: [BillingTotal]
    var totalsByMonth: [BillingTotal]
    var total: BillingTotal
    var limit: Int
    var offset: Int
}

/// Which boletas a principal sees in the billing report.
enum BillingScope: Sendable, Equatable {
    /// Vendor support and management: every client's.
    case all
    /// A technician: the boletas it recorded, of every client (R8).
    case recordedBy(UUID)
    /// A manager: every billed or contracted boleta of its client.
    case client(String)
    /// An approver who is not a manager: those of its client it decided.
    case decidedBy(client: String, user: UUID)

    /// The scope of `principal`, or a 403 for a client user who is neither manager nor approver; the flags
    /// as Approval last heard them from Identity win over the token's.
    init(_ principal: Principal, on connection: PostgresConnection) throws {
        switch principal.vendorRole {
        case .support, .management:
            self = .all
            return
        case .technician:
            self = .recordedBy(principal.userID)
            return
        case nil:
            break
        }
        guard let client = principal.clientCode else { throw HTTPError.forbidden() }
        let known = try DirectoryCopy.user(id: principal.userID, on: connection)
        if principal.hasManagerFlag, known?.isManager ?? true {
            self = .client(client)
        } else if principal.hasApproverFlag, known?.isApprover ?? true {
            self = .decidedBy(client: client, user: principal.userID)
        } else {
            throw HTTPError.forbidden("The billing report is for managers and financial approvers.")
        }
    }
}

/// The filters and page of the billing report.
struct BillingQuery: Sendable {
    var from: PostgresDate?
    var to: PostgresDate?
    var clientCode: String?
    var limit: Int
    var offset: Int

    /// Reads the query string; every value that is not acceptable answers one 422 naming its parameter.
    init(_ parameters: Parameters) throws(HTTPError) {
        var reader = QueryReader(parameters)
        (from, to) = reader.period()
        clientCode = reader.text("clientCode")
        (limit, offset) = reader.page()
        try reader.check()
    }
}

/// Reads the billing report within what a principal may see.
enum BillingReportStore {
    /// The rows of `query` within `scope` and their conditions: billed or contracted by the nature that
    /// holds, neither deleted nor cancelled.
    static func conditions(_ query: BillingQuery, scope: BillingScope) -> SQLConditions {
        var sql = SQLConditions()
        sql.add("r.boleta_status IN ('unsigned', 'signed')")
        sql.add("coalesce(r.resolved_nature, r.nature) IN ('billed', 'contracted')")
        switch scope {
        case .all:
            break
        case .recordedBy(let technician):
            sql.add("r.technician_user_id = \(sql.bind(technician))")
        case .client(let client):
            sql.add("r.client_code = \(sql.bind(client))")
        case .decidedBy(let client, let user):
            sql.add("r.client_code = \(sql.bind(client))")
            sql.add("r.decided_by_user_id = \(sql.bind(user))")
        }
        if let client = query.clientCode { sql.add("r.client_code = \(sql.bind(client))") }
        if let from = query.from { sql.add("r.work_date >= \(sql.bind(from))") }
        if let to = query.to { sql.add("r.work_date <= \(sql.bind(to))") }
        return sql
    }

    /// At most `limit` rows from `offset`, oldest work first.
    static func rows(
        _ query: BillingQuery, scope: BillingScope, limit: Int, offset: Int, on connection: PostgresConnection
    ) throws -> [BillingRow] {
        var sql = conditions(query, scope: scope)
        let limitPlaceholder = sql.bind(limit)
        let offsetPlaceholder = sql.bind(offset)
        return try connection.query(
            """
            \(ApprovalList.selection)
            WHERE \(sql.clause) ORDER BY r.work_date, r.number LIMIT \(limitPlaceholder) OFFSET \(offsetPlaceholder)
            """, parameters: sql.parameters
        ).map(row)
    }

    /// The totals of every row of `query` within `scope`: by nature that holds, by month of work, and all.
    static func totals(
        _ query: BillingQuery, scope: BillingScope, on connection: PostgresConnection
    ) throws -> (byNature: [BillingTotal], byMonth: [BillingTotal], total: BillingTotal) {
        let sql = conditions(query, scope: scope)
        // Sums of numeric and integer columns in the database: exact, never through floating point.
        let sums = """
            count(*) AS count, coalesce(sum(r.amount), 0) AS amount, coalesce(sum(r.minutes), 0)::bigint AS minutes,
                count(*) FILTER (WHERE r.minutes IS NULL) AS count_without_hours
            """
        func grouped(_ key: String) throws -> [BillingTotal] {
            try connection.query(
                """
                SELECT \(key) AS key, \(sums) FROM approval_request r
                WHERE \(sql.clause) GROUP BY 1 ORDER BY 1
                """, parameters: sql.parameters
            ).map { try total($0, key: $0.decode(String.self, "key")) }
        }
        let byNature = try grouped("coalesce(r.resolved_nature, r.nature)")
        let byMonth = try grouped("to_char(r.work_date, 'YYYY-MM')")
        let all = try connection.query(
            "SELECT \(sums) FROM approval_request r WHERE \(sql.clause)", parameters: sql.parameters)[0]
        return (byNature, byMonth, try total(all, key: "all"))
    }

    private static func total(_ row: PostgresRow, key: String) throws -> BillingTotal {
        let minutes = try row.decode(Int.self, "minutes")
        return BillingTotal(
            key: key, count: try row.decode(Int.self, "count"),
            amount: ApprovalFormats.money(try row.decode(Decimal.self, "amount")), minutes: minutes,
            hours: ApprovalFormats.hours(minutes), countWithoutHours: try row.decode(Int.self, "count_without_hours"))
    }

    private static func row(_ row: PostgresRow) throws -> BillingRow {
        let nature = try ApprovalRecords.nature(row.decode(String.self, "nature"))
        let minutes = try row.decode(Int?.self, "minutes")
        return BillingRow(
            number: try row.decode(Int64.self, "number"),
            workDate: try row.decode(PostgresDate.self, "work_date").description,
            clientCode: try row.decode(String.self, "client_code"),
            patNumber: try row.decode(String?.self, "pat_number"),
            contact: PersonView(
                id: try row.decode(UUID.self, "contact_user_id"), name: try row.decode(String.self, "contact_name")),
            technician: PersonView(
                id: try row.decode(UUID.self, "technician_user_id"),
                name: try row.decode(String.self, "technician_name")),
            serviceDescription: try row.decode(String.self, "service_description"), nature: nature,
            resolvedNature: try row.decode(String?.self, "resolved_nature").map(ApprovalRecords.nature) ?? nature,
            amount: ApprovalFormats.money(try row.decode(Decimal.self, "amount")), minutes: minutes,
            hours: minutes.map(ApprovalFormats.hours), isSigned: try row.decode(Bool.self, "is_signed"),
            status: try row.decode(String.self, "status"),
            decision: try row.decode(String?.self, "decision").flatMap(ApprovalDecision.init(rawValue:)))
    }
}
