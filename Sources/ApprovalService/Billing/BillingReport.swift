import Foundation
import Shared

/// One billed or contracted boleta in the billing report (R30).
///
/// Hours are not in it: Boleta's events carry the amount, not the time entries.
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
    var isSigned: Bool
    /// `pending`, `approved` or `rejected`.
    var status: String
    var decision: ApprovalDecision?
}

/// The sum of the amounts of a group of rows, to the cent.
struct BillingTotal: Codable, Sendable, Equatable {
    /// The nature (`billed`, `contracted`) or the month (`YYYY-MM`) of the group.
    var key: String
    var count: Int
    var amount: String
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
    /// Vendor staff: every client's.
    case all
    /// A manager: every billed or contracted boleta of its client.
    case client(String)
    /// An approver who is not a manager: those of its client it decided.
    case decidedBy(client: String, user: UUID)

    /// The scope of `principal`, or a 403 for a user who is neither manager nor approver; the flags as
    /// Approval last heard them from Identity win over the token's.
    init(_ principal: Principal, on connection: PostgresConnection) throws {
        if principal.isVendorStaff {
            self = .all
            return
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
        func grouped(_ key: String) throws -> [BillingTotal] {
            try connection.query(
                """
                SELECT \(key) AS key, count(*) AS count, sum(r.amount) AS amount FROM approval_request r
                WHERE \(sql.clause) GROUP BY 1 ORDER BY 1
                """, parameters: sql.parameters
            ).map { row in
                BillingTotal(
                    key: try row.decode(String.self, "key"), count: try row.decode(Int.self, "count"),
                    amount: ApprovalFormats.money(try row.decode(Decimal.self, "amount")))
            }
        }
        let byNature = try grouped("coalesce(r.resolved_nature, r.nature)")
        let byMonth = try grouped("to_char(r.work_date, 'YYYY-MM')")
        let all = try connection.query(
            "SELECT count(*) AS count, coalesce(sum(r.amount), 0) AS amount FROM approval_request r "
                + "WHERE \(sql.clause)", parameters: sql.parameters)[0]
        let total = BillingTotal(
            key: "all", count: try all.decode(Int.self, "count"),
            amount: ApprovalFormats.money(try all.decode(Decimal.self, "amount")))
        return (byNature, byMonth, total)
    }

    private static func row(_ row: PostgresRow) throws -> BillingRow {
        let nature = try ApprovalRecords.nature(row.decode(String.self, "nature"))
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
            amount: ApprovalFormats.money(try row.decode(Decimal.self, "amount")),
            isSigned: try row.decode(Bool.self, "is_signed"), status: try row.decode(String.self, "status"),
            decision: try row.decode(String?.self, "decision").flatMap(ApprovalDecision.init(rawValue:)))
    }
}
