import Foundation
import Shared

/// The body of `PATCH /users/{id}`: what is present changes. Flags change through
/// `PUT /users/{id}/flags` only (R7).
struct UserChanges: Decodable, Sendable {
    var jobFunctionCode: String?
    var jobTitle: String?
    var name: String?
    var email: String?
    var birthday: String?
    var phone: String?
}

extension IdentityService {
    /// Reading, changing and deleting users (R2, R6, R12).
    func addUserRoutes(to router: inout Router) {
        let service = self
        router.get("/users/me") { request in
            let principal = try Self.caller(of: request)
            let user = try service.pool.withConnection {
                try service.visibleUser(principal.userID, seenBy: principal, on: $0)
            }
            return try .json(UserView(user))
        }
        router.get("/clients/{code}/users") { request in
            try service.listUsers(client: try request.pathParameter("code"), request: request)
        }
        router.get("/users/{id}") { request in
            let principal = try Self.caller(of: request)
            let user = try service.pool.withConnection {
                try service.visibleUser(try request.userID(), seenBy: principal, on: $0)
            }
            return try .json(UserView(user))
        }
        router.patch("/users/{id}") { request in
            try service.updateUser(try request.userID(), request: request)
        }
        router.delete("/users/{id}") { request in
            try service.deleteUser(try request.userID(), request: request)
        }
    }

    /// A client's users with their dates, for its managers (who reactivate from it) and vendor staff.
    private func listUsers(client code: String, request: Request) throws -> Response {
        let principal = try Self.caller(of: request)
        let users = try pool.withConnection { connection in
            let client = try visibleClient(code, seenBy: principal, on: connection)
            guard try principal.seesAllClients || isCurrentManager(principal, of: client.code, on: connection)
            else { throw HTTPError.forbidden() }
            return try connection.query(
                """
                SELECT \(UserRecord.columns) FROM app_user
                WHERE client_code = $1 AND deleted_at IS NULL ORDER BY code
                """, client.code
            ).map { UserView(try UserRecord(row: $0)) }
        }
        return try .json(ItemList(items: users))
    }

    private func updateUser(_ id: UUID, request: Request) throws -> Response {
        let principal = try Self.caller(of: request)
        let changes = try request.decode(UserChanges.self)
        var validator = FieldValidator()
        let name = changes.name == nil ? nil : validator.required("name", changes.name, maxLength: 200)
        let email = changes.email == nil ? nil : validator.email("email", changes.email)
        let birthday = validator.date("birthday", changes.birthday)
        let phone = validator.matching(
            "phone", validator.optional("phone", changes.phone, maxLength: 30), DirectoryPatterns.phone,
            "must be a telephone number such as +55 11 5555-0100")
        let jobTitle = validator.optional("jobTitle", changes.jobTitle, maxLength: 100)
        let jobFunctionCode = validator.optional("jobFunctionCode", changes.jobFunctionCode, maxLength: 20)

        let user = try pool.withTransaction { connection -> UserRecord in
            let user = try visibleUser(id, seenBy: principal, on: connection, locking: true)
            guard !user.isDeleted else { throw HTTPError.conflict("A deleted user cannot be changed.") }
            try requireSupportOrManager(principal, of: user, on: connection)
            // The e-mail of a flagged user reaches powers vendor support granted on a PAT (R7): only
            // support changes another flagged user's data.
            if !principal.hasVendorRole(.support) && user.id != principal.userID && (user.isManager || user.isApprover)
            {
                throw HTTPError.forbidden("A user with the manager or approver flag is changed by vendor support.")
            }
            try validator.check()
            if let email, let other = try UserQueries.find(email: email, on: connection), other.id != id {
                throw HTTPError.conflict("Another user has the e-mail address \(email).")
            }
            let updated = try UserRecord(
                row: try connection.query(
                    """
                    UPDATE app_user SET name = coalesce($2, name), email = coalesce($3, email),
                        birthday = coalesce($4, birthday), phone = coalesce($5, phone),
                        job_title = coalesce($6, job_title), job_function_code = coalesce($7, job_function_code),
                        updated_at = now()
                    WHERE id = $1 RETURNING \(UserRecord.columns)
                    """, id, name, email, birthday, phone, jobTitle, jobFunctionCode)[0])
            try outbox.append(UserUpdated(user: updated.summary), clientCode: updated.clientCode, on: connection)
            return updated
        }
        request.logger.info("User updated", metadata: ["user.id": user.id.uuidString])
        return try .json(UserView(user))
    }

    /// Soft delete (R12): the row stays for the boletas, signatures and approvals it took part in.
    ///
    /// A manager deletes the plain application users of its own client; a user holding a flag was
    /// given it by vendor support on a PAT (R7), so support removes it. Nobody deletes itself.
    private func deleteUser(_ id: UUID, request: Request) throws -> Response {
        let principal = try Self.caller(of: request)
        try pool.withTransaction { connection in
            let user = try visibleUser(id, seenBy: principal, on: connection, locking: true)
            guard !user.isDeleted else { throw HTTPError.notFound("No such user.") }
            try requireSupportOrManager(principal, of: user, on: connection)
            guard user.id != principal.userID else { throw HTTPError.forbidden("You cannot delete your own account.") }
            if !principal.hasVendorRole(.support) && (user.isManager || user.isApprover) {
                throw HTTPError.forbidden("A user with the manager or approver flag is deleted by vendor support.")
            }
            try connection.execute(
                "UPDATE app_user SET deleted_at = $2, updated_at = now() WHERE id = $1", id, clock())
            try outbox.append(
                UserDeleted(userId: id, clientCode: user.clientCode), clientCode: user.clientCode, on: connection)
        }
        request.logger.info("User deleted", metadata: ["user.id": id.uuidString])
        return .noContent()
    }
}
