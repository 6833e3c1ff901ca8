import Foundation
import Shared

/// A divergence as stored, enough to resolve it.
struct DivergenceRecord: Sendable {
    var id: UUID
    var boletaNumber: Int64
    /// The nature the technician set when it was raised.
    var originalNature: BoletaNature
    var isResolved: Bool
    /// Whether it was withdrawn, its boleta deleted or cancelled before it was resolved.
    var isWithdrawn: Bool
}

/// Reads Approval's divergences.
enum DivergenceStore {
    /// Divergence `id`, locked for the transaction when `forUpdate`.
    static func find(_ id: UUID, forUpdate: Bool, on connection: PostgresConnection) throws -> DivergenceRecord? {
        try connection.query(
            """
            SELECT id, boleta_number, original_nature, resolved_at IS NOT NULL AS is_resolved,
                withdrawn_at IS NOT NULL AS is_withdrawn
            FROM divergence WHERE id = $1
            """ + (forUpdate ? " FOR UPDATE" : ""), id
        ).map { row in
            DivergenceRecord(
                id: try row.decode(UUID.self, "id"), boletaNumber: try row.decode(Int64.self, "boleta_number"),
                originalNature: try ApprovalRecords.nature(row.decode(String.self, "original_nature")),
                isResolved: try row.decode(Bool.self, "is_resolved"),
                isWithdrawn: try row.decode(Bool.self, "is_withdrawn"))
        }.first
    }

    private static let selection = """
        SELECT d.id, d.boleta_number, d.cause, d.raised_by_user_id, coalesce(u.name, '') AS raised_by_name,
            d.observation, d.raised_at, d.outcome, d.resolved_nature, d.note, d.resolved_by_user_id, d.resolved_at,
            d.withdrawn_at, d.withdrawal_reason, d.raised_on_revision, r.revision AS boleta_revision
        FROM divergence d LEFT JOIN known_user u ON u.id = d.raised_by_user_id
            JOIN approval_request r ON r.number = d.boleta_number
        """

    /// Divergences, open, resolved, withdrawn or all, oldest first.
    static func list(
        status: String?, limit: Int, offset: Int, on connection: PostgresConnection
    ) throws -> [DivergenceView] {
        let condition =
            switch status {
            case "open": "d.resolved_at IS NULL AND d.withdrawn_at IS NULL"
            case "resolved": "d.resolved_at IS NOT NULL"
            case "withdrawn": "d.withdrawn_at IS NOT NULL"
            default: "true"
            }
        let rows = try connection.query(
            selection + " WHERE \(condition) ORDER BY d.raised_at, d.id LIMIT $1 OFFSET $2", limit, offset)
        return try rows.compactMap { try view($0, on: connection) }
    }

    /// Divergence `id` as vendor management sees it.
    static func view(_ id: UUID, on connection: PostgresConnection) throws -> DivergenceView? {
        try connection.query(selection + " WHERE d.id = $1", id).first.flatMap { try view($0, on: connection) }
    }

    private static func view(_ row: PostgresRow, on connection: PostgresConnection) throws -> DivergenceView? {
        guard let boleta = try ApprovalList.item(try row.decode(Int64.self, "boleta_number"), on: connection),
            let cause = DivergenceCause(rawValue: try row.decode(String.self, "cause"))
        else { return nil }
        var resolution: DivergenceView.Resolution?
        if let resolvedAt = try row.decode(Date?.self, "resolved_at") {
            resolution = DivergenceView.Resolution(
                outcome: try row.decode(String.self, "outcome"),
                nature: try ApprovalRecords.nature(row.decode(String.self, "resolved_nature")),
                note: try row.decode(String.self, "note"),
                resolvedByUserId: try row.decode(UUID.self, "resolved_by_user_id"), resolvedAt: resolvedAt)
        }
        var withdrawal: DivergenceView.Withdrawal?
        if let withdrawnAt = try row.decode(Date?.self, "withdrawn_at") {
            withdrawal = DivergenceView.Withdrawal(
                reason: try row.decode(String.self, "withdrawal_reason"), withdrawnAt: withdrawnAt)
        }
        let raisedOn = try row.decode(Int?.self, "raised_on_revision")
        let status = resolution != nil ? "resolved" : withdrawal != nil ? "withdrawn" : "open"
        return DivergenceView(
            id: try row.decode(UUID.self, "id"), cause: cause, status: status, boleta: boleta,
            boletaChangedSinceRaised: try raisedOn.map { try row.decode(Int.self, "boleta_revision") > $0 } ?? false,
            raisedBy: PersonView(
                id: try row.decode(UUID.self, "raised_by_user_id"),
                name: try row.decode(String.self, "raised_by_name")),
            observation: try row.decode(String.self, "observation"), raisedAt: try row.decode(Date.self, "raised_at"),
            resolution: resolution, withdrawal: withdrawal)
    }
}
