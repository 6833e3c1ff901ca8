import Foundation
import Shared

/// A new account's initial password (R9): random, shown to nobody but the mail it is sealed to.
enum InitialPassword {
    /// Letters and digits that cannot be mistaken for one another (no 0/O, 1/l/I).
    static let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".utf8)
    /// 16 characters of 55 give about 92 bits.
    static let length = 16

    /// A new random password, as bytes so that the caller can wipe it after use.
    static func generate() -> [UInt8] {
        // Rejection sampling keeps every character equally likely: bytes beyond the last whole
        // multiple of the alphabet's size are drawn again.
        let limit = 256 - 256 % alphabet.count
        var password: [UInt8] = []
        while password.count < length {
            for byte in Sodium.randomBytes(length * 2) where Int(byte) < limit && password.count < length {
                password.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return password
    }
}

/// What is kept and sent of a new initial password; the password itself is already wiped.
struct IssuedInitialPassword: Sendable {
    /// The Argon2id hash to store.
    var hash: String
    /// The password sealed to Mail's public key, base64url, for the welcome event.
    var sealed: String
    /// When the password stops working.
    var expiresAt: Date
}

extension IdentityService {
    /// Gives a user a new initial password when its first one expired, was used without being
    /// changed, or never arrived (R9).
    func addInitialPasswordRoutes(to router: inout Router) {
        let service = self
        router.post("/users/{id}/initial-password") { request in
            try service.reissueInitialPassword(try request.userID(), request: request)
        }
    }

    /// Mail's key, without which no initial password can be sent: 503 until it is configured.
    func initialPasswordMailKey() throws -> [UInt8] {
        guard let mailKey = configuration.mailSealPublicKey else {
            throw HTTPError.notReady("No mail key is configured (MAIL_SEAL_PUBLIC_KEY) to send initial passwords with.")
        }
        return mailKey
    }

    /// A new random initial password, hashed and sealed to `mailKey`, expiring one
    /// ``IdentityConfiguration/initialPasswordLifetime`` from now; the clear password is wiped.
    func newInitialPassword(sealedTo mailKey: [UInt8]) throws -> IssuedInitialPassword {
        var password = InitialPassword.generate()
        defer { Sodium.zero(&password) }
        return IssuedInitialPassword(
            hash: try hasher.hash(String(decoding: password, as: UTF8.self)),
            sealed: Sodium.base64URLEncode(try SealedBox.seal(password, to: mailKey)),
            expiresAt: clock().addingTimeInterval(Double(configuration.initialPasswordLifetime.components.seconds)))
    }

    /// Replaces the user's password with a new initial one and publishes ``InitialPasswordIssued``.
    ///
    /// Vendor support may do it for anyone; a current manager for the plain application users of
    /// its client, as with deleting them: a flagged user's access was granted by support on a PAT
    /// (R7). The user's sessions end, since whoever held the old password may hold them.
    private func reissueInitialPassword(_ id: UUID, request: Request) throws -> Response {
        let principal = try Self.caller(of: request)
        let user = try pool.withTransaction { connection -> UserRecord in
            let user = try visibleUser(id, seenBy: principal, on: connection, locking: true)
            try requireSupportOrManager(principal, of: user, on: connection)
            if !principal.hasVendorRole(.support) && (user.isManager || user.isApprover) {
                throw HTTPError.forbidden(
                    "A user with the manager or approver flag gets its password from vendor support.")
            }
            guard !user.isDeleted else { throw HTTPError.conflict("A deleted user cannot log in again.") }
            let initial = try newInitialPassword(sealedTo: try initialPasswordMailKey())
            let now = clock()
            let updated = try UserRecord(
                row: try connection.query(
                    """
                    UPDATE app_user SET password_hash = $2, must_change_password = true,
                        initial_password_expires_at = $3, initial_password_used_at = NULL, updated_at = $4
                    WHERE id = $1 RETURNING \(UserRecord.columns)
                    """, id, initial.hash, initial.expiresAt, now)[0])
            try RefreshTokens.revokeAll(userID: id, now: now, on: connection)
            try outbox.append(
                InitialPasswordIssued(
                    user: updated.summary, sealedInitialPassword: initial.sealed,
                    initialPasswordExpiresAt: initial.expiresAt),
                clientCode: updated.clientCode, occurredAt: now, on: connection)
            return updated
        }
        request.logger.info(
            "Initial password reissued", metadata: ["user.id": id.uuidString, "actor.id": principal.userID.uuidString])
        return try .json(UserView(user), status: 202)
    }
}
