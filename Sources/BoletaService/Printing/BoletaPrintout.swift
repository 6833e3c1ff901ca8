import Foundation
import Shared

/// Everything the printed boleta shows: its content, the names of the people and of the client,
/// the signature evidence and Approval's outcome (R31).
struct BoletaPrintout: Sendable {
    /// A signature as the printout shows it.
    struct Signature: Sendable {
        var signerName: String
        var signedAt: Date
        var address: String
        var clientProgram: String
        var contentHash: String
        var agreesWithNature: Bool
        var observation: String
    }

    var record: BoletaRecord
    var clientName: String
    /// The client's time zone, in which the times of the signature and the decision are printed.
    var timeZone: TimeZone
    var contractCode: String
    var contractDescription: String
    var contactName: String
    var approverName: String
    var technicianName: String
    var signature: Signature?
    var approval: ApprovalOutcomeView?
    /// The name of whoever decided, when Approval told of a decision.
    var deciderName: String?
}

extension BoletaService {
    /// The printout of boleta `number`, `nil` when there is no such boleta (or it was deleted).
    func loadPrintout(_ number: Int64, on connection: PostgresConnection) throws -> BoletaPrintout? {
        guard let record = try loadBoleta(number, on: connection) else { return nil }
        let approval = try ApprovalOutcomes.find(number, on: connection)
        let client = try connection.query(
            "SELECT name, time_zone FROM known_client WHERE code = $1", record.draft.clientCode
        ).first
        let contract = try connection.query(
            "SELECT code, description FROM contract WHERE id = $1", record.draft.contractID
        ).first
        let signatureRow = try connection.query(
            """
            SELECT signer_user_id, signed_at, address, client_program, content_hash, agrees_with_nature, observation
            FROM signature WHERE boleta_number = $1
            """, number
        ).first
        let signerID = try signatureRow?.decode(UUID.self, "signer_user_id")
        let people = [
            record.draft.contactUserID, record.draft.approverUserID, record.technicianUserID, signerID,
            approval?.decidedByUserId,
        ].compactMap { $0 }
        let names = try Dictionary(
            connection.query("SELECT id, code, name FROM known_user WHERE id = ANY($1)", people).map { row in
                (
                    try row.decode(UUID.self, "id"),
                    "\(try row.decode(String.self, "name")) (\(try row.decode(String.self, "code")))"
                )
            }, uniquingKeysWith: { first, _ in first })
        let name = { (id: UUID) in names[id] ?? id.uuidString.lowercased() }

        let signature = try signatureRow.map { row in
            BoletaPrintout.Signature(
                signerName: name(try row.decode(UUID.self, "signer_user_id")),
                signedAt: try row.decode(Date.self, "signed_at"), address: try row.decode(String.self, "address"),
                clientProgram: try row.decode(String.self, "client_program"),
                contentHash: try row.decode(String.self, "content_hash"),
                agreesWithNature: try row.decode(Bool.self, "agrees_with_nature"),
                observation: try row.decode(String.self, "observation"))
        }
        let zone = try client.flatMap { TimeZone(identifier: try $0.decode(String.self, "time_zone")) }
        return BoletaPrintout(
            record: record, clientName: try client?.decode(String.self, "name") ?? "",
            timeZone: zone ?? TimeZone(identifier: "America/Sao_Paulo")!,
            contractCode: try contract?.decode(String.self, "code") ?? "",
            contractDescription: try contract?.decode(String.self, "description") ?? "",
            contactName: name(record.draft.contactUserID), approverName: name(record.draft.approverUserID),
            technicianName: name(record.technicianUserID), signature: signature, approval: approval,
            deciderName: approval?.decidedByUserId.map(name))
    }
}
