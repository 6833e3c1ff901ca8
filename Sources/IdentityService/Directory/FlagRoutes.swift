import Foundation
import Shared

/// The body of `PUT /users/{id}/flags`: the flags the user is to hold, and the PAT that asked (R7).
struct FlagsBody: Decodable, Sendable {
    var manager: Bool?
    var approver: Bool?
    var patNumber: String?
}

extension IdentityService {
    /// Granting and removing the `manager` and `approver` flags, by vendor support only (R7).
    func addFlagRoutes(to router: inout Router) {
        let service = self
        router.put("/users/{id}/flags") { request in
            try service.setFlags(of: try request.userID(), request: request)
        }
        router.get("/users/{id}/flags/history") { request in
            let principal = try Self.caller(of: request)
            let history = try service.pool.withConnection { connection -> [FlagChangeView] in
                let user = try service.visibleUser(try request.userID(), seenBy: principal, on: connection)
                let isManagerOfUser =
                    try user.clientCode.map {
                        try service.isCurrentManager(principal, of: $0, on: connection)
                    } ?? false
                guard principal.seesAllClients || isManagerOfUser else { throw HTTPError.forbidden() }
                return try connection.query(
                    """
                    SELECT flag, granted, pat_number, changed_by, changed_at FROM flag_change
                    WHERE user_id = $1 ORDER BY changed_at, id
                    """, user.id
                ).map { row in
                    FlagChangeView(
                        flag: try row.decode(String.self, "flag"), granted: try row.decode(Bool.self, "granted"),
                        patNumber: try row.decode(String.self, "pat_number"),
                        changedBy: try row.decode(UUID.self, "changed_by"),
                        changedAt: try row.decode(Date.self, "changed_at"))
                }
            }
            return try .json(ItemList(items: history))
        }
    }

    private func setFlags(of id: UUID, request: Request) throws -> Response {
        let principal = try Self.caller(of: request)
        let body = try request.decode(FlagsBody.self)
        var validator = FieldValidator()
        if body.manager == nil { validator.reject("manager", "is required: true or false") }
        if body.approver == nil { validator.reject("approver", "is required: true or false") }
        let patNumber = validator.required("patNumber", body.patNumber, maxLength: 40)

        let (user, changed) = try pool.withTransaction { connection -> (UserRecord, Bool) in
            let user = try visibleUser(id, seenBy: principal, on: connection, locking: true)
            guard principal.hasVendorRole(.support) else {
                throw HTTPError.forbidden("Only vendor support grants and removes flags.")
            }
            guard !user.isDeleted else { throw HTTPError.conflict("A deleted user holds no flags.") }
            if user.vendorRole != nil {
                validator.reject("manager", "vendor staff hold no client flags")
                validator.reject("approver", "vendor staff hold no client flags")
            }
            try validator.check()
            guard let manager = body.manager, let approver = body.approver, let patNumber else {
                throw HTTPError.invalid(validator.errors)
            }
            let changes = [("manager", user.isManager, manager), ("approver", user.isApprover, approver)]
                .filter { $0.1 != $0.2 }
            guard !changes.isEmpty else { return (user, false) }
            for (flag, _, granted) in changes {
                try recordFlagChange(
                    user: user.id, flag: flag, granted: granted, patNumber: patNumber, by: principal.userID,
                    on: connection)
            }
            let updated = try UserRecord(
                row: try connection.query(
                    """
                    UPDATE app_user SET is_manager = $2, is_approver = $3, updated_at = now()
                    WHERE id = $1 RETURNING \(UserRecord.columns)
                    """, id, manager, approver)[0])
            try outbox.append(
                UserFlagsChanged(user: updated.summary, patNumber: patNumber), clientCode: updated.clientCode,
                on: connection)
            return (updated, true)
        }
        if changed {
            request.logger.info(
                "User flags changed",
                metadata: [
                    "user.id": id.uuidString, "user.isManager": "\(user.isManager)",
                    "user.isApprover": "\(user.isApprover)",
                ])
        }
        return try .json(UserView(user))
    }
}
