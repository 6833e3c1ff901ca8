import Foundation
import Shared
import Synchronization

/// A user with what proves its password: the stored hash and the expiry of an initial password.
struct StoredCredentials: Sendable {
    var user: UserRecord
    /// The Argon2id hash; `nil` for a user that has no password yet.
    var passwordHash: String?
    /// When the initial password stops working, while the user has not chosen its own.
    var initialPasswordExpiresAt: Date?
    /// When the one login an initial password allows took place; `nil` while it has not.
    var initialPasswordUsedAt: Date?

    private static let columns =
        UserRecord.columns + ", password_hash, initial_password_expires_at, initial_password_used_at"

    init(row: PostgresRow) throws {
        user = try UserRecord(row: row)
        passwordHash = try row.decode(String?.self, "password_hash")
        initialPasswordExpiresAt = try row.decode(Date?.self, "initial_password_expires_at")
        initialPasswordUsedAt = try row.decode(Date?.self, "initial_password_used_at")
    }

    /// Whether the user still logs in with an initial password that has expired (R9).
    func initialPasswordHasExpired(at now: Date) -> Bool {
        guard user.mustChangePassword, let expiry = initialPasswordExpiresAt else { return false }
        return expiry <= now
    }

    /// Whether the user still has an initial password that has already opened its one session (R9).
    var initialPasswordWasUsed: Bool {
        user.mustChangePassword && initialPasswordUsedAt != nil
    }

    /// The credentials of the user (not deleted) whose e-mail is `email`, compared without regard to case.
    static func find(email: String, on connection: PostgresConnection) throws -> StoredCredentials? {
        try connection.query(
            "SELECT \(columns) FROM app_user WHERE lower(email) = lower($1) AND deleted_at IS NULL", email
        ).first.map(StoredCredentials.init(row:))
    }

    /// The credentials of the user with `id`, deleted or not.
    static func find(id: UUID, on connection: PostgresConnection) throws -> StoredCredentials? {
        try connection.query("SELECT \(columns) FROM app_user WHERE id = $1", id).first.map(
            StoredCredentials.init(row:))
    }
}

/// A hash of a random password made once per set of limits, which unknown e-mails are verified
/// against so that they cost as much time as known ones.
private let dummyHashes = Mutex<[String: String]>([:])

extension IdentityService {
    /// Proves that `password` is the password of the user `email` names, as a login does.
    ///
    /// Throttled per account and per address (see ``LoginThrottle``); an unknown e-mail, a wrong
    /// password, a user that may not log in and an initial password already used all throw the
    /// same ``SessionError``.
    /// - Returns: the user, which may act.
    func authenticate(email: String, password: String, from address: String) throws -> UserRecord {
        let stored = try pool.withConnection { try StoredCredentials.find(email: email, on: $0) }
        return try authenticate(
            stored, password: password, keys: LoginThrottle.Keys(email: email, address: address),
            acceptsUsedInitialPassword: false)
    }

    /// Proves that `password` is the password of the user `id`, for a user who is already
    /// logged in and re-types it; throttled like a login.
    ///
    /// An initial password already used is accepted here: the session its one login opened is
    /// how the user replaces it, and that session allows nothing else.
    func authenticate(userID id: UUID, password: String, from address: String) throws -> UserRecord {
        let stored = try pool.withConnection { try StoredCredentials.find(id: id, on: $0) }
        guard let stored else { throw SessionError(code: .invalidCredentials, message: "the user no longer exists") }
        return try authenticate(
            stored, password: password, keys: LoginThrottle.Keys(email: stored.user.email, address: address),
            acceptsUsedInitialPassword: true)
    }

    private func authenticate(
        _ stored: StoredCredentials?, password: String, keys: LoginThrottle.Keys, acceptsUsedInitialPassword: Bool
    ) throws
        -> UserRecord
    {
        let throttle = LoginThrottle(pool: pool)
        try throttle.check(keys, now: clock())

        let matches: Bool
        if let stored, let hash = stored.passwordHash {
            matches = hasher.verify(password, against: hash)
        } else {
            _ = hasher.verify(password, against: try dummyHash())
            matches = false
        }
        let now = clock()
        guard matches, let stored else {
            try throttle.recordFailure(keys, now: now)
            throw SessionError(code: .invalidCredentials, message: "unknown user or wrong password")
        }
        try throttle.recordSuccess(keys)

        guard stored.user.canAct else {
            throw SessionError(code: .invalidCredentials, message: "the user is deleted or inactive")
        }
        guard !stored.initialPasswordHasExpired(at: now) else {
            throw SessionError(code: .invalidCredentials, message: "the initial password has expired")
        }
        guard acceptsUsedInitialPassword || !stored.initialPasswordWasUsed else {
            throw SessionError(code: .invalidCredentials, message: "the initial password was used already")
        }
        if let hash = stored.passwordHash, hasher.needsRehash(hash) {
            try rehash(password, of: stored.user.id)
        }
        return stored.user
    }

    /// Replaces a hash made with older limits while the password is at hand.
    private func rehash(_ password: String, of userID: UUID) throws {
        let hash = try hasher.hash(password)
        try pool.withConnection { connection in
            _ = try connection.execute("UPDATE app_user SET password_hash = $2 WHERE id = $1", userID, hash)
        }
    }

    /// The hash unknown e-mails are verified against; made on first use (``startup()`` makes it early).
    func dummyHash() throws -> String {
        let key = hasher.limits.description
        if let hash = dummyHashes.withLock({ $0[key] }) { return hash }
        let hash = try hasher.hash(Sodium.randomToken())
        dummyHashes.withLock { $0[key] = hash }
        return hash
    }
}
