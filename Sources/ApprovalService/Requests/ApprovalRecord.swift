import Foundation
import Shared

/// One boleta as Approval keeps it: its facts from Boleta's events and its decision (R25).
struct ApprovalRecord: Sendable {
    var number: Int64
    var revision: Int
    var clientCode: String
    var workDate: PostgresDate
    var contactUserID: UUID
    var approverUserID: UUID
    var technicianUserID: UUID
    var serviceDescription: String
    var patNumber: String?
    /// The nature the technician set.
    var nature: BoletaNature
    /// The nature vendor management decided on, when a divergence was resolved (R28).
    var resolvedNature: BoletaNature?
    var amount: Decimal
    /// The hours worked, as whole minutes; `nil` when Boleta did not tell them.
    var minutes: Int?
    /// `unsigned`, `signed`, `deleted` or `cancelled`.
    var boletaStatus: String
    var decision: ApprovalDecision?
    var decidedAt: Date?
    /// How many times vendor support reopened the decision: the round of the next one.
    var reopenCount: Int

    /// The nature that holds: the resolved one if any, else the technician's.
    var effectiveNature: BoletaNature { resolvedNature ?? nature }

    /// Whether the boleta awaits or holds a decision: billed or contracted, neither deleted nor cancelled.
    var needsDecision: Bool {
        effectiveNature != .notBilled && (boletaStatus == "unsigned" || boletaStatus == "signed")
    }

    /// What Mail needs to say of the boleta.
    var subject: ApprovalSubject {
        ApprovalSubject(
            number: number, clientCode: clientCode, workDate: workDate.description,
            technicianUserId: technicianUserID, contactUserId: contactUserID, approverUserId: approverUserID,
            serviceDescription: serviceDescription, patNumber: patNumber, nature: effectiveNature,
            amount: ApprovalFormats.money(amount), minutes: minutes)
    }
}

/// Reads and writes Approval's boletas.
enum ApprovalRecords {
    /// The SQL of a request's status for the approver: `closed` when no decision is needed any more.
    static let statusSQL = """
        CASE WHEN coalesce(r.resolved_nature, r.nature) = 'notBilled'
                OR r.boleta_status NOT IN ('unsigned', 'signed') THEN 'closed'
            WHEN r.decision IS NULL THEN 'pending'
            WHEN r.decision = 'approve' THEN 'approved'
            ELSE 'rejected' END
        """

    /// Boleta `number`, locked for the transaction when `forUpdate`; `nil` when Approval never heard of it.
    static func find(
        _ number: Int64, forUpdate: Bool = false, on connection: PostgresConnection
    ) throws -> ApprovalRecord? {
        try connection.query(
            """
            SELECT number, revision, client_code, work_date, contact_user_id, approver_user_id, technician_user_id,
                service_description, pat_number, nature, resolved_nature, amount, minutes, boleta_status, decision,
                decided_at, reopen_count
            FROM approval_request WHERE number = $1
            """ + (forUpdate ? " FOR UPDATE" : ""), number
        ).map(record).first
    }

    private static func record(_ row: PostgresRow) throws -> ApprovalRecord {
        ApprovalRecord(
            number: try row.decode(Int64.self, "number"), revision: try row.decode(Int.self, "revision"),
            clientCode: try row.decode(String.self, "client_code"),
            workDate: try row.decode(PostgresDate.self, "work_date"),
            contactUserID: try row.decode(UUID.self, "contact_user_id"),
            approverUserID: try row.decode(UUID.self, "approver_user_id"),
            technicianUserID: try row.decode(UUID.self, "technician_user_id"),
            serviceDescription: try row.decode(String.self, "service_description"),
            patNumber: try row.decode(String?.self, "pat_number"),
            nature: try nature(row.decode(String.self, "nature")),
            resolvedNature: try row.decode(String?.self, "resolved_nature").map(nature),
            amount: try row.decode(Decimal.self, "amount"),
            minutes: try row.decode(Int?.self, "minutes"),
            boletaStatus: try row.decode(String.self, "boleta_status"),
            decision: try row.decode(String?.self, "decision").flatMap(ApprovalDecision.init(rawValue:)),
            decidedAt: try row.decode(Date?.self, "decided_at"),
            reopenCount: try row.decode(Int.self, "reopen_count"))
    }

    /// The nature stored as `text`, which the table's check keeps to the three known ones.
    static func nature(_ text: String) throws -> BoletaNature {
        guard let nature = BoletaNature(rawValue: text) else {
            throw EventRejection("\"\(text)\" is not a boleta nature")
        }
        return nature
    }

    /// Writes the facts of a recorded or changed boleta unless a newer revision is already kept.
    ///
    /// Returns whether the facts were written. What happened to the boleta since (its signature,
    /// deletion, decision) is left as it is.
    @discardableResult
    static func save(_ facts: BoletaFacts, on connection: PostgresConnection) throws -> Bool {
        guard PostgresDate(iso: facts.workDate) != nil else {
            throw EventRejection("data.boleta.workDate \"\(facts.workDate)\" is not a date as YYYY-MM-DD")
        }
        guard Decimal(string: facts.amount, locale: Locale(identifier: "en_US_POSIX")) != nil else {
            throw EventRejection("data.boleta.amount \"\(facts.amount)\" is not a decimal amount")
        }
        if let minutes = facts.minutes, !(0...ApprovalFormats.minutesPerDay).contains(minutes) {
            throw EventRejection("data.boleta.minutes \(minutes) is not a number of minutes within one day")
        }
        let written = try connection.execute(
            """
            INSERT INTO approval_request (number, revision, client_code, work_date, contact_user_id,
                approver_user_id, technician_user_id, service_code, service_description, pat_number, nature, amount,
                minutes, content_hash)
            VALUES ($1, $2, $3, $4::date, $5, $6, $7, $8, $9, $10, $11, $12::numeric, $13, $14)
            ON CONFLICT (number) DO UPDATE SET revision = EXCLUDED.revision, client_code = EXCLUDED.client_code,
                work_date = EXCLUDED.work_date, contact_user_id = EXCLUDED.contact_user_id,
                approver_user_id = EXCLUDED.approver_user_id, technician_user_id = EXCLUDED.technician_user_id,
                service_code = EXCLUDED.service_code, service_description = EXCLUDED.service_description,
                pat_number = EXCLUDED.pat_number, nature = EXCLUDED.nature, amount = EXCLUDED.amount,
                minutes = EXCLUDED.minutes, content_hash = EXCLUDED.content_hash, updated_at = now()
            WHERE approval_request.revision < EXCLUDED.revision
            """,
            facts.number, facts.revision, facts.clientCode, facts.workDate, facts.contactUserId,
            facts.approverUserId, facts.technicianUserId, facts.serviceCode, facts.serviceDescription,
            facts.patNumber, facts.nature.rawValue, facts.amount, facts.minutes, facts.contentHash)
        return written == 1
    }
}

/// Boleta told of an event on a boleta Approval has not heard of yet: the event is tried again later,
/// since the boleta's recording, published before it, may still be on its way.
struct BoletaNotKnownYet: Error, CustomStringConvertible {
    var number: Int64
    var description: String { "boleta \(number) is not known yet" }
}
