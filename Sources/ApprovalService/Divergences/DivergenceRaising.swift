import Foundation
import Shared

extension ApprovalService {
    /// Raises the divergence of `cause` on `record` for decision round `round`, and tells vendor
    /// management through ``DivergenceRaised`` (R28); nothing when that divergence exists already, so
    /// that each disagreement and each rejection raises exactly one.
    func raiseDivergence(
        _ cause: DivergenceCause, on record: ApprovalRecord, round: Int, by userID: UUID, observation: String,
        at raisedAt: Date, cause origin: Cause, on connection: PostgresConnection
    ) throws {
        let raised = try connection.query(
            """
            INSERT INTO divergence (id, boleta_number, cause, round, raised_by_user_id, observation, raised_at,
                original_nature, raised_on_revision)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (boleta_number, cause, round) DO NOTHING
            RETURNING id
            """, UUID(), record.number, cause.rawValue, round, userID, observation, raisedAt, record.nature.rawValue,
            record.revision)
        guard let row = raised.first else { return }
        let id = try row.decode(UUID.self, "id")
        try outbox.append(
            DivergenceRaised(
                divergenceId: id, cause: cause, boleta: record.subject, raisedByUserId: userID,
                observation: observation, raisedAt: raisedAt),
            clientCode: record.clientCode, correlationId: origin.correlationId, causationId: origin.causationId,
            occurredAt: raisedAt, on: connection)
        logger.info(
            "Divergence raised",
            metadata: [
                "boleta.number": "\(record.number)", "divergence.id": id.uuidString, "divergence.cause": cause.rawValue,
            ])
    }
}
