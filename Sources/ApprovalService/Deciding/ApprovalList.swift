import Foundation
import Shared

/// A person named in a list or report: its id and name as Approval last heard them.
struct PersonView: Codable, Sendable, Equatable {
    var id: UUID
    var name: String
}

/// One boleta in the approver's list (R27), also answered by a reopening.
struct ApprovalItem: Codable, Sendable {
    var number: Int64
    var workDate: String
    var clientCode: String
    var patNumber: String?
    var contact: PersonView
    var technician: PersonView
    var serviceDescription: String
    /// The nature the technician set.
    var nature: BoletaNature
    /// The nature vendor management decided on, when a divergence was resolved.
    var resolvedNature: BoletaNature?
    var amount: String
    /// The hours worked, as whole minutes; `nil` when Boleta did not tell them.
    var minutes: Int?
    /// The same hours as `H:MM`.
    var hours: String?
    /// Whether the boleta's contact signed it.
    var isSigned: Bool
    var signedAt: Date?
    /// `pending`, `approved`, `rejected`, or `closed` when no decision is needed any more.
    var status: String
    var decision: ApprovalDecision?
    var decisionObservation: String?
    var decidedAt: Date?
}

/// What `GET /approvals` answers.
struct ApprovalPage: Codable, Sendable {
    var items: [ApprovalItem]
    var limit: Int
    var offset: Int
}

/// The filters and page of the approver's list.
struct ApprovalListQuery: Sendable {
    var status: String?
    var from: PostgresDate?
    var to: PostgresDate?
    var isSigned: Bool?
    var limit: Int
    var offset: Int

    /// Reads the query string; every value that is not acceptable answers one 422 naming its parameter.
    init(_ parameters: Parameters) throws(HTTPError) {
        var reader = QueryReader(parameters)
        status = reader.choice("status", ["pending", "approved", "rejected"])
        (from, to) = reader.period()
        isSigned = reader.choice("signed", ["true", "false"]).map { $0 == "true" }
        (limit, offset) = reader.page()
        try reader.check()
    }
}

/// Reads the approver's list.
enum ApprovalList {
    /// The columns of an ``ApprovalItem``, from `approval_request r` and the people it names.
    static let selection = """
        SELECT r.number, r.work_date, r.client_code, r.pat_number, r.contact_user_id,
            coalesce(c.name, '') AS contact_name, r.technician_user_id, coalesce(t.name, '') AS technician_name,
            r.service_description, r.nature, r.resolved_nature, r.amount, r.minutes, r.signed_at,
            r.boleta_status IN ('signed', 'cancelled') AS is_signed, \(ApprovalRecords.statusSQL) AS status,
            r.decision, r.decision_observation, r.decided_at
        FROM approval_request r
            LEFT JOIN known_user c ON c.id = r.contact_user_id
            LEFT JOIN known_user t ON t.id = r.technician_user_id
        """

    /// The boletas awaiting or holding the decision of `approver` of `clientCode`, oldest work first.
    static func items(
        _ query: ApprovalListQuery, approver: UUID, clientCode: String, on connection: PostgresConnection
    ) throws -> [ApprovalItem] {
        var sql = SQLConditions()
        sql.add("r.approver_user_id = \(sql.bind(approver))")
        sql.add("r.client_code = \(sql.bind(clientCode))")
        sql.add("(\(ApprovalRecords.statusSQL)) <> 'closed'")
        if let status = query.status { sql.add("(\(ApprovalRecords.statusSQL)) = \(sql.bind(status))") }
        if let from = query.from { sql.add("r.work_date >= \(sql.bind(from))") }
        if let to = query.to { sql.add("r.work_date <= \(sql.bind(to))") }
        if let isSigned = query.isSigned {
            sql.add("(r.boleta_status = 'signed') = \(sql.bind(isSigned))")
        }
        let limit = sql.bind(query.limit)
        let offset = sql.bind(query.offset)
        return try connection.query(
            selection + " WHERE \(sql.clause) ORDER BY r.work_date, r.number LIMIT \(limit) OFFSET \(offset)",
            parameters: sql.parameters
        ).map(item)
    }

    /// Boleta `number` as a list item.
    static func item(_ number: Int64, on connection: PostgresConnection) throws -> ApprovalItem? {
        try connection.query(selection + " WHERE r.number = $1", number).map(item).first
    }

    private static func item(_ row: PostgresRow) throws -> ApprovalItem {
        let minutes = try row.decode(Int?.self, "minutes")
        return ApprovalItem(
            number: try row.decode(Int64.self, "number"),
            workDate: try row.decode(PostgresDate.self, "work_date").description,
            clientCode: try row.decode(String.self, "client_code"),
            patNumber: try row.decode(String?.self, "pat_number"),
            contact: PersonView(
                id: try row.decode(UUID.self, "contact_user_id"), name: try row.decode(String.self, "contact_name")),
            technician: PersonView(
                id: try row.decode(UUID.self, "technician_user_id"),
                name: try row.decode(String.self, "technician_name")),
            serviceDescription: try row.decode(String.self, "service_description"),
            nature: try ApprovalRecords.nature(row.decode(String.self, "nature")),
            resolvedNature: try row.decode(String?.self, "resolved_nature").map(ApprovalRecords.nature),
            amount: ApprovalFormats.money(try row.decode(Decimal.self, "amount")),
            minutes: minutes, hours: minutes.map(ApprovalFormats.hours),
            isSigned: try row.decode(Bool.self, "is_signed"),
            signedAt: try row.decode(Date?.self, "signed_at"),
            status: try row.decode(String.self, "status"),
            decision: try row.decode(String?.self, "decision").flatMap(ApprovalDecision.init(rawValue:)),
            decisionObservation: try row.decode(String?.self, "decision_observation"),
            decidedAt: try row.decode(Date?.self, "decided_at"))
    }
}
