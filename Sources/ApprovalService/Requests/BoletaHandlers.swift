import Foundation
import Shared

/// Where an effect of Approval came from, for the envelopes of the events it publishes.
struct Cause: Sendable {
    var correlationId: String?
    var causationId: String?

    /// The cause of what an event handler does.
    init<Event>(_ envelope: EventEnvelope<Event>) {
        correlationId = envelope.correlationId
        causationId = envelope.id.uuidString
    }

    /// The cause of what an HTTP request does.
    init(_ request: Request) {
        correlationId = request.id
        causationId = request.id
    }
}

extension ApprovalService {
    /// The handlers that follow a boleta's life: one approval request per billed or contracted boleta,
    /// kept up to date (R25); its signature asks the approver or carries its decision (R26); a signer's
    /// disagreement raises a divergence (R21, R28).
    ///
    /// An event about a boleta Approval has not heard of yet is tried again later: Boleta publishes
    /// the recording first, so it arrives after a retry, and the event is parked only if it never does.
    func boletaHandlers() -> [EventHandler] {
        let service = self
        return [
            .on(BoletaRecorded.self) { envelope, connection in
                try service.keep(envelope.data.boleta, cause: Cause(envelope), on: connection)
            },
            .on(BoletaChanged.self) { envelope, connection in
                try service.keep(envelope.data.boleta, cause: Cause(envelope), on: connection)
            },
            .on(BoletaDeleted.self) { envelope, connection in
                try service.close(
                    envelope.data.number, as: "deleted", reason: "the boleta was deleted", on: connection)
            },
            .on(BoletaCancelled.self) { envelope, connection in
                let reason = "the boleta was cancelled: \(envelope.data.reason)"
                try service.close(envelope.data.number, as: "cancelled", reason: reason, on: connection)
            },
            .on(BoletaSigned.self) { envelope, connection in
                try service.follow(envelope, on: connection)
            },
        ]
    }

    /// Keeps the facts of a recorded or changed boleta; a new revision with other content than the one
    /// decided on withdraws the decision (R18, R27).
    private func keep(_ facts: BoletaFacts, cause: Cause, on connection: PostgresConnection) throws {
        // Locked first, so that a decision taken at the same time is either seen here or sees the change.
        let previous = try ApprovalRecords.find(facts.number, forUpdate: true, on: connection)
        guard try ApprovalRecords.save(facts, on: connection), previous != nil else { return }
        try withdrawDecisionIfChanged(facts, cause: cause, on: connection)
        // An open divergence stays for vendor management, on the facts as they are now.
        try connection.execute(
            "UPDATE divergence SET original_nature = $2 WHERE boleta_number = $1 AND resolved_at IS NULL "
                + "AND withdrawn_at IS NULL", facts.number, facts.nature.rawValue)
    }

    /// Withdraws the decision on boleta `facts.number` when it was taken on an older revision with other
    /// content, and tells Boleta through ``ApprovalReopened``: the approver, maybe another one now, decides
    /// again on what the boleta says. The change is the technician's act, so it is named as who reopened.
    func withdrawDecisionIfChanged(_ facts: BoletaFacts, cause: Cause, on connection: PostgresConnection) throws {
        let withdrawn = try connection.query(
            """
            UPDATE approval_request r SET decision = NULL, decision_observation = NULL, decided_by_user_id = NULL,
                decided_at = NULL, decided_revision = NULL, decided_content_hash = NULL,
                reopen_count = r.reopen_count + 1, updated_at = now()
            FROM approval_request old
            WHERE r.number = $1 AND old.number = r.number AND r.decision IS NOT NULL
                AND r.decided_revision < r.revision AND r.decided_content_hash IS DISTINCT FROM r.content_hash
            RETURNING old.decided_at, old.decided_by_user_id
            """, facts.number)
        guard let row = withdrawn.first else { return }
        let decidedAt = try row.decode(Date?.self, "decided_at") ?? .distantPast
        // Never before the decision, so that Boleta, which keeps the latest, applies it.
        let reopenedAt = max(clock(), decidedAt)
        try outbox.append(
            ApprovalReopened(
                number: facts.number, clientCode: facts.clientCode, approverUserId: facts.approverUserId,
                reason: Self.changedAfterDecisionReason, reopenedByUserId: facts.technicianUserId,
                reopenedAt: reopenedAt),
            clientCode: facts.clientCode, correlationId: cause.correlationId, causationId: cause.causationId,
            occurredAt: reopenedAt, on: connection)
        logger.info(
            "Decision withdrawn: the boleta changed after it",
            metadata: [
                "boleta.number": "\(facts.number)", "boleta.revision": "\(facts.revision)",
                "user.id": try row.decode(UUID?.self, "decided_by_user_id")?.uuidString ?? "",
            ])
    }

    /// The reason of the reopening when a boleta changed after its decision.
    static let changedAfterDecisionReason = "the boleta changed after the decision"

    /// Marks boleta `number` deleted or cancelled: it no longer needs a decision, and its open
    /// divergences are withdrawn with `reason`: there is nothing left to resolve.
    private func close(
        _ number: Int64, as status: String, reason: String, on connection: PostgresConnection
    ) throws {
        let changed = try connection.execute(
            "UPDATE approval_request SET boleta_status = $2, updated_at = now() WHERE number = $1", number, status)
        guard changed == 1 else { throw BoletaNotKnownYet(number: number) }
        let withdrawn = try connection.execute(
            """
            UPDATE divergence SET withdrawn_at = $2, withdrawal_reason = $3
            WHERE boleta_number = $1 AND resolved_at IS NULL AND withdrawn_at IS NULL
            """, number, clock(), reason)
        logger.debug(
            "Approval request closed",
            metadata: ["boleta.number": "\(number)", "boleta.status": status, "divergence.count": "\(withdrawn)"])
    }

    /// Records a signature and what follows from it (R21, R26, R28).
    private func follow(_ envelope: EventEnvelope<BoletaSigned>, on connection: PostgresConnection) throws {
        let signed = envelope.data
        guard var record = try ApprovalRecords.find(signed.number, forUpdate: true, on: connection) else {
            throw BoletaNotKnownYet(number: signed.number)
        }
        let cause = Cause(envelope)
        // A signature heard of twice (or after a cancellation) asks nobody again.
        let isFirstSignature = record.boletaStatus == "unsigned"
        try connection.execute(
            """
            UPDATE approval_request SET boleta_status = CASE WHEN boleta_status = 'unsigned' THEN 'signed'
                    ELSE boleta_status END,
                signer_user_id = $2, signed_at = $3, agrees_with_nature = $4, signer_observation = $5,
                updated_at = now()
            WHERE number = $1
            """, signed.number, signed.signerUserId, signed.signedAt, signed.agreesWithNature, signed.observation)
        if record.boletaStatus == "unsigned" { record.boletaStatus = "signed" }

        if !signed.agreesWithNature {
            try raiseDivergence(
                .signerDisagreed, on: record, round: 0, by: signed.signerUserId, observation: signed.observation,
                at: signed.signedAt, cause: cause, on: connection)
        }
        if let given = signed.decision, let kept = record.decision, given != kept {
            // Boleta refuses a decision at signing once it heard of this one; it had not heard yet.
            logger.notice(
                "Decision given at signing differs from the one kept",
                metadata: ["boleta.number": "\(record.number)", "decision.kept": kept.rawValue])
        }
        guard isFirstSignature, record.needsDecision, record.decision == nil else { return }
        if signed.signerUserId == record.approverUserID {
            // The approver signed: its decision, when it gave one, is taken in the same step (R26).
            guard let decision = signed.decision else { return }
            try recordDecision(
                decision, observation: signed.decisionObservation ?? "", on: record, at: signed.signedAt,
                cause: cause, on: connection)
        } else {
            try outbox.append(
                ApprovalRequested(boleta: record.subject, signerUserId: signed.signerUserId, signedAt: signed.signedAt),
                clientCode: record.clientCode, correlationId: cause.correlationId, causationId: cause.causationId,
                occurredAt: clock(), on: connection)
            logger.info(
                "Approval requested",
                metadata: ["boleta.number": "\(record.number)", "user.id": record.approverUserID.uuidString])
        }
    }
}
