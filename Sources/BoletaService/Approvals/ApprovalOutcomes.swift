import Foundation
import Shared

/// The migrations that keep Approval's outcomes in Boleta's schema.
enum ApprovalOutcomeMigrations {
    static let all: [Migration] = [
        Migration(
            version: 120, name: "approval_outcome",
            sql: """
                -- The approver's decision and the resolved nature of each boleta, as Approval last told (R25-R28).
                -- What was signed stays in boleta and signature; this is shown beside it.
                CREATE TABLE approval_outcome (
                    boleta_number bigint PRIMARY KEY REFERENCES boleta (number),
                    decision text CHECK (decision IN ('approve', 'reject')),
                    decision_observation text,
                    decided_by_user_id uuid,
                    decided_at timestamptz,
                    -- The time of the latest decision or reopening applied: an older one arriving late loses.
                    decision_changed_at timestamptz,
                    resolved_nature text CHECK (resolved_nature IN ('billed', 'notBilled', 'contracted')),
                    resolution_note text,
                    resolved_at timestamptz
                );
                """)
    ]
}

/// The approver's decision and the resolved nature of a boleta, as Boleta shows them beside it.
struct ApprovalOutcomeView: Codable, Sendable, Equatable {
    var decision: ApprovalDecision?
    var decisionObservation: String?
    var decidedByUserId: UUID?
    var decidedAt: Date?
    /// The nature vendor management resolved a divergence to; the signed content keeps the technician's.
    var resolvedNature: BoletaNature?
    var resolutionNote: String?
    var resolvedAt: Date?
}

extension BoletaService {
    /// The handlers of Approval's decisions and resolutions, which Boleta shows beside a boleta and
    /// filters its service report on.
    ///
    /// Events may arrive late or out of order: a decision or reopening older than the one already
    /// applied changes nothing, and so does an older resolution.
    func approvalOutcomeHandlers() -> [EventHandler] {
        [
            .on(ApprovalGranted.self) { envelope, connection in
                let event = envelope.data
                try ApprovalOutcomes.decide(
                    event.number, clientCode: event.clientCode, decision: .approve, observation: event.observation,
                    approver: event.approverUserId, at: event.decidedAt, on: connection)
            },
            .on(ApprovalRejected.self) { envelope, connection in
                let event = envelope.data
                try ApprovalOutcomes.decide(
                    event.number, clientCode: event.clientCode, decision: .reject, observation: event.observation,
                    approver: event.approverUserId, at: event.decidedAt, on: connection)
            },
            .on(ApprovalReopened.self) { envelope, connection in
                let event = envelope.data
                try ApprovalOutcomes.decide(
                    event.number, clientCode: event.clientCode, decision: nil, observation: nil, approver: nil,
                    at: event.reopenedAt, on: connection)
            },
            .on(DivergenceResolved.self) { envelope, connection in
                let event = envelope.data
                try ApprovalOutcomes.checkBoleta(event.number, clientCode: event.clientCode, on: connection)
                try connection.execute(
                    """
                    INSERT INTO approval_outcome (boleta_number, resolved_nature, resolution_note, resolved_at)
                    VALUES ($1, $2, $3, $4)
                    ON CONFLICT (boleta_number) DO UPDATE SET resolved_nature = EXCLUDED.resolved_nature,
                        resolution_note = EXCLUDED.resolution_note, resolved_at = EXCLUDED.resolved_at
                    WHERE approval_outcome.resolved_at IS NULL OR approval_outcome.resolved_at <= EXCLUDED.resolved_at
                    """, event.number, event.resolvedNature.rawValue, event.note, event.resolvedAt)
            },
        ]
    }
}

/// Reads and writes the outcomes Approval told of.
enum ApprovalOutcomes {
    /// Records `decision` on boleta `number` (`nil`: reopened, no decision) unless a later one was applied.
    static func decide(
        _ number: Int64, clientCode: String, decision: ApprovalDecision?, observation: String?, approver: UUID?,
        at time: Date, on connection: PostgresConnection
    ) throws {
        try checkBoleta(number, clientCode: clientCode, on: connection)
        try connection.execute(
            """
            INSERT INTO approval_outcome (boleta_number, decision, decision_observation, decided_by_user_id,
                decided_at, decision_changed_at)
            VALUES ($1, $2, $3, $4, CASE WHEN $2::text IS NULL THEN NULL ELSE $5::timestamptz END, $5)
            ON CONFLICT (boleta_number) DO UPDATE SET decision = EXCLUDED.decision,
                decision_observation = EXCLUDED.decision_observation,
                decided_by_user_id = EXCLUDED.decided_by_user_id, decided_at = EXCLUDED.decided_at,
                decision_changed_at = EXCLUDED.decision_changed_at
            WHERE approval_outcome.decision_changed_at IS NULL
                OR approval_outcome.decision_changed_at <= EXCLUDED.decision_changed_at
            """, number, decision?.rawValue, observation, approver, time)
    }

    /// Parks an event about a boleta Boleta does not have, or that names another client.
    ///
    /// The boleta is share-locked until the transaction ends, so that an outcome and a signature of the
    /// same boleta (which locks it for update) are applied one after the other: a signature with a
    /// decision sees a decision committed before it.
    static func checkBoleta(_ number: Int64, clientCode: String, on connection: PostgresConnection) throws {
        let found = try connection.query("SELECT client_code FROM boleta WHERE number = $1 FOR SHARE", number).first
        guard let found else { throw EventRejection("data.number: there is no boleta \(number)") }
        guard try found.decode(String.self, "client_code") == clientCode else {
            throw EventRejection("data.clientCode: boleta \(number) is not of client \(clientCode)")
        }
    }

    /// The outcome of boleta `number`, `nil` when Approval told nothing of it.
    static func find(_ number: Int64, on connection: PostgresConnection) throws -> ApprovalOutcomeView? {
        try connection.query(
            """
            SELECT decision, decision_observation, decided_by_user_id, decided_at, resolved_nature, resolution_note,
                resolved_at
            FROM approval_outcome WHERE boleta_number = $1
            """, number
        ).map { row in
            ApprovalOutcomeView(
                decision: try row.decode(String?.self, "decision").flatMap(ApprovalDecision.init(rawValue:)),
                decisionObservation: try row.decode(String?.self, "decision_observation"),
                decidedByUserId: try row.decode(UUID?.self, "decided_by_user_id"),
                decidedAt: try row.decode(Date?.self, "decided_at"),
                resolvedNature: try row.decode(String?.self, "resolved_nature").flatMap(BoletaNature.init(rawValue:)),
                resolutionNote: try row.decode(String?.self, "resolution_note"),
                resolvedAt: try row.decode(Date?.self, "resolved_at"))
        }.first
    }
}
