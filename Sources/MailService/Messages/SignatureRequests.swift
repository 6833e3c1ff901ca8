import Foundation
import Shared

/// The signature request Mail last wrote for a boleta, as its handlers weigh it.
struct SignatureRequest: Sendable {
    var id: Int64
    var state: MessageState
    var revision: Int
    var recipientUserID: UUID?
    var nextAttemptAt: Date
}

/// The signature requests of boletas (R24): held for a grace period, withdrawn when the boleta is
/// signed, deleted or cancelled first.
enum SignatureRequests {
    /// Takes the lock that serialises the handlers of boleta `number`'s events, and answers why the
    /// boleta needs no signature any more, or `nil` while it still does.
    static func lock(_ number: Int64, on connection: PostgresConnection) throws -> String? {
        _ = try connection.execute(
            "INSERT INTO boleta_settlement (number) VALUES ($1) ON CONFLICT (number) DO NOTHING", number)
        return try connection.query("SELECT reason FROM boleta_settlement WHERE number = $1 FOR UPDATE", number)[0]
            .decode(String?.self, at: 0)
    }

    /// Records that boleta `number` needs no signature any more, for `reason`, unless a reason is
    /// recorded already; answers the reason that holds.
    static func settle(_ number: Int64, reason: String, on connection: PostgresConnection) throws -> String {
        try connection.query(
            """
            INSERT INTO boleta_settlement (number, reason, settled_at) VALUES ($1, $2, clock_timestamp())
            ON CONFLICT (number) DO UPDATE SET reason = coalesce(boleta_settlement.reason, excluded.reason),
                settled_at = coalesce(boleta_settlement.settled_at, excluded.settled_at)
            RETURNING reason
            """, number, reason)[0].decode(String.self, at: 0)
    }

    /// The newest request for boleta `number` that was not withdrawn, or `nil`.
    static func latest(of number: Int64, on connection: PostgresConnection) throws -> SignatureRequest? {
        let rows = try connection.query(
            """
            SELECT id, state, boleta_revision, recipient_user_id, next_attempt_at FROM message
            WHERE boleta_number = $1 AND template = $2 AND state <> 'withdrawn'
            ORDER BY id DESC LIMIT 1
            """, number, MailTemplate.signatureRequest.rawValue)
        guard let row = rows.first else { return nil }
        return SignatureRequest(
            id: try row.decode(Int64.self, "id"),
            state: MessageState(rawValue: try row.decode(String.self, "state")) ?? .pending,
            revision: try row.decode(Int?.self, "boleta_revision") ?? 0,
            recipientUserID: try row.decode(UUID?.self, "recipient_user_id"),
            nextAttemptAt: try row.decode(Date.self, "next_attempt_at"))
    }

    /// Withdraws the requests for boleta `number` not delivered and not on their way (pending, or
    /// failed and so open to a resend), or only message `id` when given; answers their ids.
    @discardableResult
    static func withdraw(
        boleta number: Int64, only id: Int64? = nil, reason: String, on connection: PostgresConnection
    ) throws -> [Int64] {
        try connection.query(
            """
            UPDATE message SET state = 'withdrawn', withdrawn_at = clock_timestamp(), withdrawn_reason = $3
            WHERE boleta_number = $1 AND ($2::bigint IS NULL OR id = $2) AND template = $4
                AND state IN ('pending', 'failed')
            RETURNING id
            """, number, id, reason, MailTemplate.signatureRequest.rawValue
        ).map { try $0.decode(Int64.self, at: 0) }
    }
}

extension MailService {
    /// Writes the request that boleta `facts` be signed, to its contact (R24), held for
    /// `MAIL_SIGNATURE_REQUEST_DELAY_MS` so that a contact who signs at once on the technician's
    /// screen (R20) gets only the confirmation.
    ///
    /// A boleta has at most one request waiting, for the newest revision Mail heard of: a change
    /// replaces a request still waiting by one with the new content, held at least as long. Once a
    /// request went out, a change writes none, since the contact's list of boletas to sign shows the
    /// boleta as it now is; unless the change named another contact, who gets its own request. A
    /// request for a boleta already signed, deleted or cancelled (its event handled late) is written
    /// withdrawn, so that the operator's view shows it.
    func requestSignature<Event>(
        of facts: BoletaFacts, for envelope: EventEnvelope<Event>, on connection: PostgresConnection
    ) throws {
        let settlement = try SignatureRequests.lock(facts.number, on: connection)
        let latest = try SignatureRequests.latest(of: facts.number, on: connection)
        var metadata = ["boleta.number": "\(facts.number)", "event.id": envelope.id.uuidString]
        if let latest, latest.revision >= facts.revision {
            logger.debug("Signature request already written for this revision or a newer one", metadata: metadata)
            return
        }
        let contact = try MailUsers.require(facts.contactUserId, as: "the boleta's contact", on: connection)
        guard !contact.isDeleted else { return }
        let replaced = latest.flatMap { $0.state == .pending ? $0 : nil }
        if let latest, replaced == nil, latest.recipientUserID == contact.id {
            logger.debug("The contact was asked to sign already; a change writes no new request", metadata: metadata)
            return
        }

        let boleta = try mention(
            number: facts.number, workDate: facts.workDate, technician: facts.technicianUserId,
            service: facts.serviceDescription, pat: facts.patNumber, nature: facts.nature, amount: facts.amount,
            on: connection)
        let mail = MailTemplates.signatureRequest(
            to: contact.recipient, boleta: boleta, replacesNumber: facts.replacesNumber)
        guard
            let id = try store(
                mail, for: envelope, hold: configuration.signatureRequestDelay, notBefore: replaced?.nextAttemptAt,
                boleta: (facts.number, facts.revision), on: connection)
        else { return }
        metadata["mail.id"] = "\(id)"
        if let replaced {
            try SignatureRequests.withdraw(
                boleta: facts.number, only: replaced.id,
                reason: "replaced by message \(id), for revision \(facts.revision) of the boleta", on: connection)
            logger.debug("Waiting signature request replaced", metadata: metadata)
        }
        if let settlement {
            try SignatureRequests.withdraw(boleta: facts.number, only: id, reason: settlement, on: connection)
            logger.info("Signature request written withdrawn: the boleta needs no signature", metadata: metadata)
        }
    }

    /// Records that boleta `number` needs no signature any more, for `reason`, and withdraws its
    /// requests not yet delivered (R24). One already on its way goes.
    func settle(_ number: Int64, reason: String, on connection: PostgresConnection) throws {
        let reason = try SignatureRequests.settle(number, reason: reason, on: connection)
        let withdrawn = try SignatureRequests.withdraw(boleta: number, reason: reason, on: connection)
        guard !withdrawn.isEmpty else { return }
        logger.info(
            "Signature request withdrawn before it went out",
            metadata: [
                "boleta.number": "\(number)", "mail.id": withdrawn.map(String.init).joined(separator: ","),
                "mail.withdrawnReason": reason,
            ])
    }
}
