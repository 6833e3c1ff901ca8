import Foundation
import Shared

extension BoletaService {
    /// The body of `POST /boletas/{number}/cancellation`.
    struct CancellationBody: Decodable {
        var reason: String?
        var replacementNumber: Int64?
    }

    /// Recording, reading, changing, deleting and cancelling boletas (R15-R18).
    func addBoletaRoutes(to router: inout Router) {
        let service = self
        router.group(middleware: [context.requireToken]) { router in
            router.post("/boletas", middleware: [context.requireVendorRole(.technician)]) { request in
                try service.recordBoleta(request)
            }
            router.get("/boletas/{number}") { request in
                try service.showBoleta(request)
            }
            router.patch("/boletas/{number}", middleware: [context.requireVendorRole(.technician)]) { request in
                try service.changeBoleta(request)
            }
            router.delete("/boletas/{number}", middleware: [context.requireVendorRole(.technician)]) { request in
                try service.deleteBoleta(request)
            }
            router.post("/boletas/{number}/cancellation", middleware: [context.requireVendorRole(.support)]) {
                request in try service.cancelBoleta(request)
            }
        }
    }

    private func recordBoleta(_ request: Request) throws -> Response {
        let principal = try request.principal(as: Principal.self)
        let draft = try BoletaDraft(try request.decode(BoletaBody.self))
        let record = try pool.withTransaction { connection in
            let checked = try checkReferences(draft, on: connection)
            let record = try insertBoleta(checked, technician: principal.userID, on: connection)
            try outbox.append(
                BoletaRecorded(boleta: record.facts), clientCode: record.draft.clientCode,
                correlationId: request.id, occurredAt: clock(), on: connection)
            return record
        }
        request.logger.info(
            "Boleta recorded", metadata: ["boleta.number": String(record.number), "client.code": draft.clientCode])
        return try Response.json(record.view, status: 201)
    }

    private func showBoleta(_ request: Request) throws -> Response {
        let principal = try request.principal(as: Principal.self)
        let number = try Self.number(request)
        let (record, approval) = try pool.withConnection { connection in
            guard try BoletaVisibility(principal, on: connection).includes(number, on: connection) else {
                return (BoletaRecord?.none, ApprovalOutcomeView?.none)
            }
            return (try loadBoleta(number, on: connection), try ApprovalOutcomes.find(number, on: connection))
        }
        guard let record else { throw HTTPError.notFound("There is no such boleta.") }
        var view = record.view
        view.approval = approval
        return try Response.json(view)
    }

    private func changeBoleta(_ request: Request) throws -> Response {
        let principal = try request.principal(as: Principal.self)
        let number = try Self.number(request)
        let draft = try BoletaDraft(try request.decode(BoletaBody.self))
        let record = try pool.withTransaction { connection in
            let record = try recordedBy(principal, number, on: connection)
            let checked = try checkReferences(draft, on: connection)
            let updated = try updateBoleta(record, with: checked, on: connection)
            try outbox.append(
                BoletaChanged(boleta: updated.facts), clientCode: updated.draft.clientCode,
                correlationId: request.id, occurredAt: clock(), on: connection)
            return updated
        }
        return try Response.json(record.view)
    }

    private func deleteBoleta(_ request: Request) throws -> Response {
        let principal = try request.principal(as: Principal.self)
        let number = try Self.number(request)
        try pool.withTransaction { connection in
            let record = try recordedBy(principal, number, on: connection)
            try connection.execute("UPDATE boleta SET deleted_at = now(), updated_at = now() WHERE number = $1", number)
            try outbox.append(
                BoletaDeleted(
                    number: number, clientCode: record.draft.clientCode, contactUserId: record.draft.contactUserID,
                    approverUserId: record.draft.approverUserID, technicianUserId: record.technicianUserID),
                clientCode: record.draft.clientCode, correlationId: request.id, occurredAt: clock(), on: connection)
        }
        return .noContent()
    }

    private func cancelBoleta(_ request: Request) throws -> Response {
        let number = try Self.number(request)
        let body = try request.decode(CancellationBody.self)
        let record = try pool.withTransaction { connection in
            guard var record = try loadBoleta(number, forUpdate: true, on: connection) else {
                throw HTTPError.notFound("There is no such boleta.")
            }
            var errors = FieldErrors()
            let reason = errors.required(body.reason, "reason", maxLength: 2000, multiLine: true)
            if let replacement = body.replacementNumber {
                let found = try connection.query(
                    """
                    SELECT 1 FROM boleta
                    WHERE number = $1 AND client_code = $2 AND deleted_at IS NULL AND number <> $3
                    """,
                    replacement, record.draft.clientCode, number)
                if found.isEmpty { errors.add("replacementNumber", "must be another boleta of the same client") }
            }
            try errors.check()
            guard record.status == "signed" else {
                throw HTTPError.conflict("Only a signed boleta is cancelled; this one is \(record.status).")
            }
            try connection.execute(
                """
                UPDATE boleta SET status = 'cancelled', cancel_reason = $2, replacement_number = $3, updated_at = now()
                WHERE number = $1
                """, number, reason!, body.replacementNumber)
            record.status = "cancelled"
            record.cancelReason = reason
            record.replacementNumber = body.replacementNumber
            try outbox.append(
                BoletaCancelled(
                    number: number, clientCode: record.draft.clientCode, reason: reason!,
                    replacementNumber: body.replacementNumber, contactUserId: record.draft.contactUserID,
                    approverUserId: record.draft.approverUserID, technicianUserId: record.technicianUserID),
                clientCode: record.draft.clientCode, correlationId: request.id, occurredAt: clock(), on: connection)
            return record
        }
        return try Response.json(record.view)
    }

    /// Boleta `number`, locked, when `principal` recorded it and it is not signed yet.
    ///
    /// 404 when the principal may not see it (another technician), 409 once it is signed or cancelled (R18).
    private func recordedBy(
        _ principal: Principal, _ number: Int64, on connection: PostgresConnection
    ) throws
        -> BoletaRecord
    {
        guard let record = try loadBoleta(number, forUpdate: true, on: connection),
            try BoletaVisibility(principal, on: connection).includes(number, on: connection)
        else { throw HTTPError.notFound("There is no such boleta.") }
        guard record.technicianUserID == principal.userID else {
            throw HTTPError.forbidden("Only the technician who recorded a boleta changes it.")
        }
        guard record.status == "unsigned" else {
            throw HTTPError.conflict("Boleta \(number) is \(record.status) and never changes; record a new one.")
        }
        return record
    }

    /// The boleta number in the path; a 404 when it is not one.
    static func number(_ request: Request) throws -> Int64 {
        guard let number = Int64(try request.pathParameter("number")), number > 0 else {
            throw HTTPError.notFound("There is no such boleta.")
        }
        return number
    }
}
