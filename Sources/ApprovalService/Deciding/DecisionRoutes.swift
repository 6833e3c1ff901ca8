import Foundation
import Shared

extension ApprovalService {
    /// The most decisions one request takes.
    static let maximumDecisionsPerRequest = 100
    /// The longest observation, reason or note kept.
    static let maximumTextLength = 2000

    /// One decision of `POST /approvals/decisions`.
    struct DecisionItem: Decodable, Sendable {
        var number: Int64
        var decision: String
        var observation: String?
    }

    /// The body of `POST /approvals/decisions`.
    struct DecisionsBody: Decodable, Sendable {
        var decisions: [DecisionItem]
    }

    /// What `POST /approvals/decisions` answers: every boleta of the request, as decided.
    struct DecisionsResponse: Encodable, Sendable {
        var items: [ApprovalItem]
    }

    /// The body of `POST /approvals/{number}/reopen`.
    struct ReopenBody: Decodable, Sendable {
        var reason: String?
    }

    /// The approver's list and its decisions (R27), and their reopening by vendor support.
    func addDecisionRoutes(to router: inout Router) {
        let service = self
        router.group(middleware: [context.requireToken]) { router in
            router.get("/approvals") { request in
                try service.listApprovals(request)
            }
            router.post("/approvals/decisions") { request in
                try service.decide(request)
            }
            router.post("/approvals/{number}/reopen", middleware: [context.requireVendorRole(.support)]) {
                request in try service.reopen(request)
            }
        }
    }

    /// The approver's boletas awaiting or holding its decision, oldest work first.
    private func listApprovals(_ request: Request) throws -> Response {
        let principal = try request.principal(as: Principal.self)
        let query = try ApprovalListQuery(request.query)
        let items = try pool.withConnection { connection in
            let client = try approverClient(principal, on: connection)
            return try ApprovalList.items(query, approver: principal.userID, clientCode: client, on: connection)
        }
        return try .json(ApprovalPage(items: items, limit: query.limit, offset: query.offset))
    }

    /// The client of `principal` when it is a financial approver still active, as Approval last heard
    /// from Identity (a flag removed there wins over the token's); a 403 otherwise.
    private func approverClient(_ principal: Principal, on connection: PostgresConnection) throws -> String {
        guard let client = principal.clientCode, principal.hasApproverFlag else {
            throw HTTPError.forbidden("Only a financial approver of a client decides on boletas.")
        }
        if let known = try DirectoryCopy.user(id: principal.userID, on: connection),
            !known.isApprover || !known.isActive || known.isDeleted
        {
            throw HTTPError.forbidden("Only an active financial approver of a client decides on boletas.")
        }
        return client
    }

    /// Takes every decision of the request, or none: the first one refused answers its problem, naming the
    /// boleta, and nothing is recorded (R27).
    private func decide(_ request: Request) throws -> Response {
        let principal = try request.principal(as: Principal.self)
        let body = try request.decode(DecisionsBody.self)
        let decisions = try Self.checked(body)
        let decidedAt = clock()
        let cause = Cause(request)
        let items = try pool.withTransaction { connection in
            let client = try approverClient(principal, on: connection)
            // Locked in number order, so that two requests naming the same boletas never deadlock.
            for (number, decision, observation) in decisions.sorted(by: { $0.0 < $1.0 }) {
                guard let record = try ApprovalRecords.find(number, forUpdate: true, on: connection),
                    record.clientCode == client
                else { throw HTTPError.notFound("There is no boleta \(number) awaiting a decision.") }
                guard record.approverUserID == principal.userID else {
                    throw HTTPError.forbidden("Only the approver of boleta \(number) decides on it.")
                }
                guard record.needsDecision else {
                    throw HTTPError.conflict(
                        "Boleta \(number) needs no decision: it is \(record.boletaStatus), "
                            + "\(record.effectiveNature.rawValue).", code: "no-decision-needed")
                }
                guard record.decision == nil else {
                    throw HTTPError.conflict(
                        "Boleta \(number) was already decided; vendor support may reopen it.",
                        code: "already-decided")
                }
                try recordDecision(
                    decision, observation: observation, on: record, at: decidedAt, cause: cause, on: connection)
            }
            return try decisions.compactMap { number, _, _ in try ApprovalList.item(number, on: connection) }
        }
        request.logger.info(
            "Approval decisions taken",
            metadata: ["user.id": principal.userID.uuidString, "boleta.count": "\(items.count)"])
        return try .json(DecisionsResponse(items: items))
    }

    /// The decisions of `body`, in order, once each is acceptable; a 422 naming every one that is not.
    private static func checked(_ body: DecisionsBody) throws -> [(Int64, ApprovalDecision, String)] {
        var errors: [HTTPError.FieldError] = []
        guard (1...maximumDecisionsPerRequest).contains(body.decisions.count) else {
            throw HTTPError.invalid([
                .init(field: "decisions", message: "Give between 1 and \(maximumDecisionsPerRequest) decisions.")
            ])
        }
        var seen: Set<Int64> = []
        var decisions: [(Int64, ApprovalDecision, String)] = []
        for (index, item) in body.decisions.enumerated() {
            let field = "decisions[\(index)]"
            if !seen.insert(item.number).inserted {
                errors.append(.init(field: "\(field).number", message: "names a boleta decided twice"))
            }
            let decision = ApprovalDecision(rawValue: item.decision)
            if decision == nil {
                errors.append(.init(field: "\(field).decision", message: "must be approve or reject"))
            }
            let observation = (item.observation ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if observation.count > maximumTextLength {
                errors.append(
                    .init(field: "\(field).observation", message: "is longer than \(maximumTextLength) characters"))
            }
            if let error = TextRules.multiLineError("\(field).observation", observation) { errors.append(error) }
            if let decision { decisions.append((item.number, decision, observation)) }
        }
        if !errors.isEmpty { throw HTTPError.invalid(errors) }
        return decisions
    }

    /// Vendor support reopens a decision, with a reason, so that the approver decides again.
    private func reopen(_ request: Request) throws -> Response {
        let principal = try request.principal(as: Principal.self)
        guard let number = Int64(try request.pathParameter("number")), number > 0 else {
            throw HTTPError.notFound("There is no such boleta.")
        }
        let body = try request.decode(ReopenBody.self)
        let reason = (body.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= Self.maximumTextLength else {
            throw HTTPError.invalid([
                .init(field: "reason", message: "is required, at most \(Self.maximumTextLength) characters")
            ])
        }
        if let error = TextRules.multiLineError("reason", reason) { throw HTTPError.invalid([error]) }
        let reopenedAt = clock()
        let cause = Cause(request)
        let item = try pool.withTransaction { connection in
            guard let record = try ApprovalRecords.find(number, forUpdate: true, on: connection) else {
                throw HTTPError.notFound("There is no boleta \(number) awaiting a decision.")
            }
            guard record.decision != nil, record.needsDecision else {
                throw HTTPError.conflict("Boleta \(number) holds no decision to reopen.", code: "not-decided")
            }
            try connection.execute(
                """
                UPDATE approval_request SET decision = NULL, decision_observation = NULL, decided_by_user_id = NULL,
                    decided_at = NULL, decided_revision = NULL, decided_content_hash = NULL,
                    reopen_count = reopen_count + 1, updated_at = now()
                WHERE number = $1
                """, number)
            try outbox.append(
                ApprovalReopened(
                    number: number, clientCode: record.clientCode, approverUserId: record.approverUserID,
                    reason: reason, reopenedByUserId: principal.userID, reopenedAt: reopenedAt),
                clientCode: record.clientCode, correlationId: cause.correlationId, causationId: cause.causationId,
                occurredAt: reopenedAt, on: connection)
            return try ApprovalList.item(number, on: connection)
        }
        guard let item else { throw HTTPError.notFound("There is no such boleta.") }
        request.logger.info(
            "Approval reopened", metadata: ["boleta.number": "\(number)", "user.id": principal.userID.uuidString])
        return try .json(item)
    }
}
