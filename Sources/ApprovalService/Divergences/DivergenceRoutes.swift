import Foundation
import Shared

/// A divergence as vendor management sees it, with the boleta's facts and the customer's words (R28).
struct DivergenceView: Codable, Sendable {
    /// How vendor management resolved it.
    struct Resolution: Codable, Sendable {
        var outcome: String
        var nature: BoletaNature
        var note: String
        var resolvedByUserId: UUID
        var resolvedAt: Date
    }

    /// Why and when it was withdrawn: its boleta was deleted or cancelled before it was resolved.
    struct Withdrawal: Codable, Sendable {
        var reason: String
        var withdrawnAt: Date
    }

    var id: UUID
    var cause: DivergenceCause
    /// `open`, `resolved`, or `withdrawn` when its boleta was deleted or cancelled while it was open.
    var status: String
    /// The boleta as it is now, which may differ from what it was when the divergence was raised.
    var boleta: ApprovalItem
    /// Whether the technician changed the boleta after the divergence was raised (a rejection's decision
    /// is then withdrawn, and the approver decides again on the new content).
    var boletaChangedSinceRaised: Bool
    var raisedBy: PersonView
    /// What the signer or approver wrote, empty when nothing.
    var observation: String
    var raisedAt: Date
    var resolution: Resolution?
    var withdrawal: Withdrawal?
}

/// What `GET /divergences` answers.
struct DivergencePage: Codable, Sendable {
    var items: [DivergenceView]
    var limit: Int
    var offset: Int
}

extension ApprovalService {
    /// The body of `POST /divergences/{id}/resolution`.
    struct ResolutionBody: Decodable, Sendable {
        var outcome: String?
        var nature: String?
        var note: String?
    }

    /// The divergences vendor management sees and resolves (R28).
    func addDivergenceRoutes(to router: inout Router) {
        let service = self
        router.group(middleware: [context.requireToken]) { router in
            router.get("/divergences", middleware: [context.requireVendorRole(.management, .support)]) { request in
                try service.listDivergences(request)
            }
            router.post("/divergences/{id}/resolution", middleware: [context.requireVendorRole(.management)]) {
                request in try service.resolve(request)
            }
        }
    }

    /// Open, resolved or withdrawn divergences, oldest first.
    private func listDivergences(_ request: Request) throws -> Response {
        var reader = QueryReader(request.query)
        let status = reader.choice("status", ["open", "resolved", "withdrawn"])
        let (limit, offset) = reader.page()
        try reader.check()
        let items = try pool.withConnection { connection in
            try DivergenceStore.list(status: status, limit: limit, offset: offset, on: connection)
        }
        return try .json(DivergencePage(items: items, limit: limit, offset: offset))
    }

    /// Resolves a divergence once: the nature is kept or changed, with a note; Boleta and the billing
    /// report take the resolved nature (R28).
    private func resolve(_ request: Request) throws -> Response {
        let principal = try request.principal(as: Principal.self)
        guard let id = UUID(uuidString: try request.pathParameter("id")) else {
            throw HTTPError.notFound("There is no such divergence.")
        }
        let body = try request.decode(ResolutionBody.self)
        var errors: [HTTPError.FieldError] = []
        let outcome = body.outcome
        if outcome != "keep" && outcome != "change" {
            errors.append(.init(field: "outcome", message: "must be keep or change"))
        }
        let nature = body.nature.flatMap(BoletaNature.init(rawValue:))
        if body.nature != nil && nature == nil {
            errors.append(.init(field: "nature", message: "must be billed, notBilled or contracted"))
        } else if outcome == "change" && nature == nil {
            errors.append(.init(field: "nature", message: "is required to change the nature"))
        }
        let note = (body.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if note.isEmpty || note.count > Self.maximumTextLength {
            errors.append(.init(field: "note", message: "is required, at most \(Self.maximumTextLength) characters"))
        }
        if let error = TextRules.multiLineError("note", note) { errors.append(error) }
        if !errors.isEmpty { throw HTTPError.invalid(errors) }

        let resolvedAt = clock()
        let cause = Cause(request)
        let view = try pool.withTransaction { connection in
            guard let divergence = try DivergenceStore.find(id, forUpdate: true, on: connection),
                let record = try ApprovalRecords.find(divergence.boletaNumber, forUpdate: true, on: connection)
            else { throw HTTPError.notFound("There is no such divergence.") }
            guard !divergence.isResolved else {
                throw HTTPError.conflict("This divergence was already resolved.", code: "already-resolved")
            }
            guard !divergence.isWithdrawn else {
                throw HTTPError.conflict(
                    "This divergence was withdrawn: its boleta was deleted or cancelled.",
                    code: "divergence-withdrawn")
            }
            let original = divergence.originalNature
            let resolved = outcome == "change" ? (nature ?? original) : original
            if outcome == "keep", let nature, nature != original {
                throw HTTPError.invalid([
                    .init(field: "nature", message: "must be \(original.rawValue), or left out, to keep it")
                ])
            }
            if outcome == "change", resolved == original {
                throw HTTPError.invalid([
                    .init(field: "nature", message: "is already \(original.rawValue); keep it instead")
                ])
            }
            try connection.execute(
                """
                UPDATE divergence SET outcome = $2, resolved_nature = $3, note = $4, resolved_by_user_id = $5,
                    resolved_at = $6
                WHERE id = $1
                """, id, outcome ?? "keep", resolved.rawValue, note, principal.userID, resolvedAt)
            try connection.execute(
                "UPDATE approval_request SET resolved_nature = $2, updated_at = now() WHERE number = $1",
                record.number, resolved.rawValue)
            try outbox.append(
                DivergenceResolved(
                    divergenceId: id, number: record.number, clientCode: record.clientCode,
                    originalNature: original, resolvedNature: resolved, note: note,
                    resolvedByUserId: principal.userID, resolvedAt: resolvedAt),
                clientCode: record.clientCode, correlationId: cause.correlationId, causationId: cause.causationId,
                occurredAt: resolvedAt, on: connection)
            return try DivergenceStore.view(id, on: connection)
        }
        guard let view else { throw HTTPError.notFound("There is no such divergence.") }
        request.logger.info(
            "Divergence resolved",
            metadata: ["divergence.id": id.uuidString, "boleta.number": "\(view.boleta.number)"])
        return try .json(view)
    }
}
