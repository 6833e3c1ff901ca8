import Foundation
import Shared

extension IdentityService {
    /// Login, tokens, passwords and signature assertions.
    func addSessionRoutes(to router: inout Router) {
        let service = self
        router.add("POST", "/sessions") { try service.logIn($0) }
        router.add("POST", "/sessions/refresh") { try service.refresh($0) }
        // Logging out is allowed to a user that must still change its password: it gives nothing away.
        router.add("DELETE", "/sessions/current", middleware: [context.requireTokenAllowingPasswordChange]) {
            try service.logOut($0)
        }
        router.add("POST", "/users/me/password", middleware: [context.requireTokenAllowingPasswordChange]) {
            try service.changePassword($0)
        }
        router.add("POST", "/signature-assertions", middleware: [context.requireToken]) {
            try service.issueSignatureAssertion($0)
        }
        router.add("GET", "/keys") { _ in try service.keys() }
    }

    /// Creates the first vendor support account from configuration when there is none.
    func startup() throws {
        try bootstrapSupportAccount()
        // Made now rather than at the first unknown e-mail, whose answer would otherwise be the slowest.
        _ = try dummyHash()
    }

    /// The body of `POST /sessions`.
    private struct LoginRequest: Decodable {
        var email: String
        var password: String
    }

    /// The body of `POST /sessions/refresh` and, optionally, of `DELETE /sessions/current`.
    private struct RefreshRequest: Decodable {
        var refreshToken: String
    }

    private func logIn(_ request: Request) throws -> Response {
        let body = try request.decode(LoginRequest.self)
        let user = try authenticate(email: body.email, password: body.password, from: request.remoteAddress)
        let now = clock()
        let tokens = try pool.withTransaction { connection -> SessionTokens in
            if user.mustChangePassword {
                // The initial password opens one session only (R9); of two logins racing with it, one wins.
                let claimed = try connection.execute(
                    """
                    UPDATE app_user SET initial_password_used_at = $2
                    WHERE id = $1 AND must_change_password AND initial_password_used_at IS NULL
                    """, user.id, now)
                guard claimed == 1 else {
                    throw SessionError(code: .invalidCredentials, message: "the initial password was used already")
                }
            }
            return try issueTokens(for: user, now: now, on: connection)
        }
        request.logger.debug("User logged in", metadata: ["user.id": user.id.uuidString])
        return try .json(tokens)
    }

    /// Where a refresh ended: new tokens, or a refusal to answer after the transaction is over.
    private enum Rotation {
        case rotated(SessionTokens, userID: UUID)
        case refused(String)
    }

    private func refresh(_ request: Request) throws -> Response {
        let presented = try request.decode(RefreshRequest.self).refreshToken
        let now = clock()
        let outcome = try pool.withTransaction { connection -> Rotation in
            guard let stored = try RefreshTokens.findForUpdate(presented, on: connection) else {
                return .refused("unknown refresh token")
            }
            guard !stored.isRevoked else { return .refused("revoked refresh token") }
            guard !stored.isUsed else {
                // A spent token shows up again: either it was stolen or its holder was; stop the whole family.
                try RefreshTokens.revoke(family: stored.familyID, now: now, on: connection)
                return .refused("reused refresh token; family revoked")
            }
            guard stored.expiresAt > now else { return .refused("expired refresh token") }
            guard let user = try UserQueries.find(id: stored.userID, on: connection), user.canAct else {
                try RefreshTokens.revoke(family: stored.familyID, now: now, on: connection)
                return .refused("the user cannot act")
            }
            try RefreshTokens.markUsed(presented, now: now, on: connection)
            let tokens = try issueTokens(for: user, family: stored.familyID, now: now, on: connection)
            return .rotated(tokens, userID: user.id)
        }
        switch outcome {
        case .rotated(let tokens, let userID):
            request.logger.debug("Session refreshed", metadata: ["user.id": userID.uuidString])
            return try .json(tokens)
        case .refused(let reason):
            request.logger.debug("Refresh refused", metadata: ["session.reason": reason])
            throw SessionError(code: .invalidRefreshToken, message: reason)
        }
    }

    private func logOut(_ request: Request) throws -> Response {
        let principal = try request.principal(as: Principal.self)
        guard !request.body.isEmpty else { return .noContent() }
        let presented = try request.decode(RefreshRequest.self).refreshToken
        let now = clock()
        try pool.withTransaction { connection in
            // Someone else's token is left alone, and the answer does not say whether it existed.
            guard let stored = try RefreshTokens.findForUpdate(presented, on: connection),
                stored.userID == principal.userID
            else { return }
            try RefreshTokens.revoke(family: stored.familyID, now: now, on: connection)
        }
        request.logger.debug("User logged out", metadata: ["user.id": principal.userID.uuidString])
        return .noContent()
    }

    /// One key of the JWKS (RFC 7517, RFC 8037).
    private struct JSONWebKey: Encodable {
        var kid: String
        var kty = "OKP"
        var crv = "Ed25519"
        var alg = JSONWebToken.algorithm
        var use = "sig"
        var x: String
    }

    /// The public key that verifies access tokens and signature assertions, as a JWKS.
    private func keys() throws -> Response {
        let publicKey = configuration.signingKey.publicKey
        return try .json(["keys": [JSONWebKey(kid: publicKey.thumbprint, x: publicKey.base64URL)]])
    }
}
