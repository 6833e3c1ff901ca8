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
                try ApprovalRecords.save(envelope.data.boleta, on: connection)
            },
            .on(BoletaChanged.self) { envelope, connection in
                try ApprovalRecords.save(envelope.data.boleta, on: connection)
            },
            .on(BoletaDeleted.self) { envelope, connection in
                try service.close(envelope.data.number, as: "deleted", on: connection)
            },
            .on(BoletaCancelled.self) { envelope, connection in
                try service.close(envelope.data.number, as: "cancelled", on: connection)
            },
            .on(BoletaSigned.self) { envelope, connection in
                try service.follow(envelope, on: connection)
            },
        ]
    }

    /// Marks boleta `number` deleted or cancelled: it no longer needs a decision.
    private func close(_ number: Int64, as status: String, on connection: PostgresConnection) throws {
        let changed = try connection.execute(
            "UPDATE approval_request SET boleta_status = $2, updated_at = now() WHERE number = $1", number, status)
        guard changed == 1 else { throw BoletaNotKnownYet(number: number) }
        logger.debug("Approval request closed", metadata: ["boleta.number": "\(number)", "boleta.status": status])
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
