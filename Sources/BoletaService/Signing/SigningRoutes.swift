import Foundation
import Shared

extension BoletaService {
    /// A boleta in the signer's list of boletas to sign (R20).
    struct BoletaToSign: Codable, Sendable {
        var number: Int64
        var workDate: String
        var technicianUserId: UUID
        var technicianName: String
        var nature: BoletaNature
        var serviceDescription: String
        var amount: String
        /// The hash of the content shown, which the signature assertion names.
        var contentHash: String
    }

    /// What `GET /boletas/to-sign` answers.
    struct BoletasToSign: Codable, Sendable {
        var boletas: [BoletaToSign]
    }

    /// What `POST /signatures` answers.
    struct BatchSignatureResponse: Encodable, Sendable {
        var results: [SigningResult]
    }

    /// Signing one boleta at once or many from the list, and the list of boletas to sign (R19-R22, R26).
    func addSigningRoutes(to router: inout Router) {
        let service = self
        router.group(middleware: [context.requireToken]) { router in
            router.get("/boletas/to-sign") { request in
                try service.listBoletasToSign(request)
            }
            router.post("/boletas/{number}/signature") { request in
                try service.signOne(request)
            }
            router.post("/signatures") { request in
                try service.signMany(request)
            }
        }
    }

    /// Signs one boleta; the signature, or the problem that refused it.
    private func signOne(_ request: Request) throws -> Response {
        guard let number = Int64(try request.pathParameter("number")), number > 0 else {
            throw HTTPError.notFound("There is no such boleta.")
        }
        let body = try request.decode(SingleSignatureBody.self)
        let result = try sign([body.item(number: number)], assertion: body.assertion, request: request)[0]
        switch result {
        case .success(let signature): return try Response.json(signature)
        case .failure(let refusal): throw refusal.problem
        }
    }

    /// Signs several boletas with one assertion; each item says whether it was signed or why not.
    private func signMany(_ request: Request) throws -> Response {
        let body = try request.decode(BatchSignatureBody.self)
        let results = try sign(body.items, assertion: body.assertion, request: request)
        let answers = zip(body.items, results).map { item, result in
            switch result {
            case .success(let signature):
                SigningResult(number: item.number, outcome: .signed, detail: "Signed.", signature: signature)
            case .failure(let refusal):
                SigningResult(number: item.number, outcome: refusal.outcome, detail: refusal.detail, signature: nil)
            }
        }
        return try Response.json(BatchSignatureResponse(results: answers))
    }

    /// The caller's unsigned boletas, those it is the contact of, newest first (R20).
    private func listBoletasToSign(_ request: Request) throws -> Response {
        let principal = try request.principal(as: Principal.self)
        guard let clientCode = principal.clientCode else {
            throw HTTPError.forbidden("Only users of a client sign boletas.")
        }
        let rows = try pool.withConnection { connection in
            try connection.query(
                """
                SELECT b.number, b.work_date, b.technician_user_id, coalesce(t.name, '') AS technician_name,
                    b.nature, b.service_description, b.amount, b.content_hash
                FROM boleta b LEFT JOIN known_user t ON t.id = b.technician_user_id
                WHERE b.contact_user_id = $1 AND b.client_code = $2 AND b.status = 'unsigned'
                    AND b.deleted_at IS NULL
                ORDER BY b.work_date DESC, b.number DESC
                """, principal.userID, clientCode)
        }
        let boletas = try rows.map { row in
            BoletaToSign(
                number: try row.decode(Int64.self, "number"),
                workDate: try row.decode(PostgresDate.self, "work_date").description,
                technicianUserId: try row.decode(UUID.self, "technician_user_id"),
                technicianName: try row.decode(String.self, "technician_name"),
                nature: BoletaNature(rawValue: try row.decode(String.self, "nature")) ?? .billed,
                serviceDescription: try row.decode(String.self, "service_description"),
                amount: RecordingFormats.money(try row.decode(Decimal.self, "amount")),
                contentHash: try row.decode(String.self, "content_hash"))
        }
        return try Response.json(BoletasToSign(boletas: boletas))
    }
}
