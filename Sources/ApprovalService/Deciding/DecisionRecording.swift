import Foundation
import Shared

extension ApprovalService {
    /// Records the approver's `decision` on `record`, which the caller locked and checked needs one, and
    /// publishes it; a rejection raises a divergence (R25, R28). Returns the record as decided.
    ///
    /// The decision binds to the revision and content the approver saw: a later change of the boleta
    /// withdraws it (``withdrawDecisionIfChanged(_:previous:cause:on:)``).
    @discardableResult
    func recordDecision(
        _ decision: ApprovalDecision, observation: String, on record: ApprovalRecord, at decidedAt: Date,
        cause: Cause, on connection: PostgresConnection
    ) throws -> ApprovalRecord {
        let approver = record.approverUserID
        try connection.execute(
            """
            UPDATE approval_request SET decision = $2, decision_observation = $3, decided_by_user_id = $4,
                decided_at = $5, decided_revision = revision, decided_content_hash = content_hash, updated_at = now()
            WHERE number = $1
            """, record.number, decision.rawValue, observation, approver, decidedAt)
        switch decision {
        case .approve:
            try outbox.append(
                ApprovalGranted(
                    number: record.number, clientCode: record.clientCode, approverUserId: approver,
                    observation: observation, decidedAt: decidedAt),
                clientCode: record.clientCode, correlationId: cause.correlationId, causationId: cause.causationId,
                occurredAt: decidedAt, on: connection)
        case .reject:
            try outbox.append(
                ApprovalRejected(
                    number: record.number, clientCode: record.clientCode, approverUserId: approver,
                    observation: observation, decidedAt: decidedAt),
                clientCode: record.clientCode, correlationId: cause.correlationId, causationId: cause.causationId,
                occurredAt: decidedAt, on: connection)
            try raiseDivergence(
                .approverRejected, on: record, round: record.reopenCount, by: approver, observation: observation,
                at: decidedAt, cause: cause, on: connection)
        }
        logger.info(
            "Approval decided",
            metadata: ["boleta.number": "\(record.number)", "approval.decision": decision.rawValue])
        var decided = record
        decided.decision = decision
        decided.decidedAt = decidedAt
        return decided
    }
}
