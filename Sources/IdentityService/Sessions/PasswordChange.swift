import Foundation
import Shared

extension IdentityService {
    /// The body of `POST /users/me/password`.
    private struct PasswordChangeRequest: Decodable {
        var currentPassword: String
        var newPassword: String
    }

    /// Replaces the caller's password after checking the current one, ends its other sessions,
    /// and answers new tokens so that the client goes on without logging in again.
    ///
    /// The only endpoint a user that must change its password may use (besides logging out).
    func changePassword(_ request: Request) throws -> Response {
        let principal = try request.principal(as: Principal.self)
        let body = try request.decode(PasswordChangeRequest.self)
        let user = try authenticate(
            userID: principal.userID, password: body.currentPassword, from: request.remoteAddress)

        if let reason = PasswordPolicy.refusal(
            of: body.newPassword, email: user.email, name: user.name, code: user.code)
        {
            throw HTTPError.invalid([HTTPError.FieldError(field: "newPassword", message: reason)])
        }
        if body.newPassword == body.currentPassword {
            throw HTTPError.invalid([
                HTTPError.FieldError(
                    field: "newPassword", message: "The new password must differ from the current one.")
            ])
        }

        let hash = try hasher.hash(body.newPassword)
        let now = clock()
        let tokens = try pool.withTransaction { connection -> SessionTokens in
            try connection.execute(
                """
                UPDATE app_user SET password_hash = $2, must_change_password = false, password_changed_at = $3,
                    initial_password_expires_at = NULL, initial_password_used_at = NULL, updated_at = $3
                WHERE id = $1
                """, user.id, hash, now)
            try RefreshTokens.revokeAll(userID: user.id, now: now, on: connection)
            try outbox.append(
                PasswordChanged(userId: user.id, changedAt: now), clientCode: user.clientCode, occurredAt: now,
                on: connection)
            var changed = user
            changed.mustChangePassword = false
            return try issueTokens(for: changed, now: now, on: connection)
        }
        request.logger.info("Password changed", metadata: ["user.id": user.id.uuidString])
        return try .json(tokens)
    }
}
