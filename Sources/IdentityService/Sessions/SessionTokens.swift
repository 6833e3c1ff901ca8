import Foundation
import Shared

/// What a login, a refresh and a password change answer: a new access token and refresh token.
struct SessionTokens: Encodable, Sendable {
    var accessToken: String
    var tokenType = "Bearer"
    /// The access token's lifetime in seconds.
    var expiresIn: Int
    /// The opaque token that buys the next access token, once.
    var refreshToken: String
    /// Whether the user must change its password before anything else.
    var mustChangePassword: Bool
}

/// The stored refresh tokens: opaque random strings kept only as their SHA-256, grouped in
/// families (one per login) so that the reuse of a spent token revokes every descendant.
enum RefreshTokens {
    /// A stored token's state.
    struct Stored: Sendable {
        var familyID: UUID
        var userID: UUID
        var expiresAt: Date
        var isUsed: Bool
        var isRevoked: Bool
    }

    /// The SHA-256 of `token`, as stored.
    static func hash(_ token: String) -> Data {
        Data(Sodium.sha256(Array(token.utf8)))
    }

    /// Stores a new token of `family` for `userID` and returns it.
    static func issue(
        family: UUID, userID: UUID, now: Date, lifetime: Duration, on connection: PostgresConnection
    ) throws -> String {
        let token = Sodium.randomToken()
        try connection.execute(
            """
            INSERT INTO refresh_token (id, family_id, user_id, token_hash, created_at, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            """, UUID(), family, userID, hash(token), now,
            now.addingTimeInterval(Double(lifetime.components.seconds)))
        return token
    }

    /// The token whose hash matches `token`, locked for the rest of the transaction.
    static func findForUpdate(_ token: String, on connection: PostgresConnection) throws -> Stored? {
        let rows = try connection.query(
            """
            SELECT family_id, user_id, expires_at, used_at IS NOT NULL AS is_used,
                revoked_at IS NOT NULL AS is_revoked
            FROM refresh_token WHERE token_hash = $1 FOR UPDATE
            """, hash(token))
        guard let row = rows.first else { return nil }
        return Stored(
            familyID: try row.decode(UUID.self, "family_id"), userID: try row.decode(UUID.self, "user_id"),
            expiresAt: try row.decode(Date.self, "expires_at"), isUsed: try row.decode(Bool.self, "is_used"),
            isRevoked: try row.decode(Bool.self, "is_revoked"))
    }

    /// Marks `token` spent.
    static func markUsed(_ token: String, now: Date, on connection: PostgresConnection) throws {
        try connection.execute("UPDATE refresh_token SET used_at = $2 WHERE token_hash = $1", hash(token), now)
    }

    /// Revokes every token of `family`.
    static func revoke(family: UUID, now: Date, on connection: PostgresConnection) throws {
        try connection.execute(
            "UPDATE refresh_token SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL", family, now)
    }

    /// Revokes every token of the user `userID`.
    static func revokeAll(userID: UUID, now: Date, on connection: PostgresConnection) throws {
        try connection.execute(
            "UPDATE refresh_token SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL", userID, now)
    }
}

extension IdentityService {
    /// A signed access token for `user` as it is now, issued at `now`.
    func accessToken(for user: UserRecord, now: Date) throws -> String {
        let claims = AccessClaims(
            userID: user.id, audience: Audience([context.configuration.jwtAudience]), issuedAt: now,
            lifetime: configuration.accessTokenLifetime, clientCode: user.clientCode, isManager: user.isManager,
            isApprover: user.isApprover, vendorRole: user.vendorRole, mustChangePassword: user.mustChangePassword)
        return try JSONWebToken.sign(claims: claims, key: configuration.signingKey)
    }

    /// Issues an access token and a refresh token of `family` (a new family by default) for `user`.
    func issueTokens(
        for user: UserRecord, family: UUID = UUID(), now: Date, on connection: PostgresConnection
    ) throws -> SessionTokens {
        let refreshToken = try RefreshTokens.issue(
            family: family, userID: user.id, now: now, lifetime: configuration.refreshTokenLifetime,
            on: connection)
        return SessionTokens(
            accessToken: try accessToken(for: user, now: now),
            expiresIn: Int(configuration.accessTokenLifetime.components.seconds), refreshToken: refreshToken,
            mustChangePassword: user.mustChangePassword)
    }
}
