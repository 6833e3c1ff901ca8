import Foundation
import Shared

/// Counts failed password checks per account and per address, and holds back the next attempts
/// for a short time that grows with repeated failures.
///
/// The blocks are short (30 s, doubling up to 15 minutes) so that a stranger who types wrong
/// passwords for someone else's e-mail cannot keep the real user out for long, while a guesser
/// gets only a few tries an hour. Blocks are checked before any password is verified, so a blocked
/// attempt costs no Argon2 work. Failures older than ``window`` are forgotten.
struct LoginThrottle: Sendable {
    /// How long failures are counted before the count starts again.
    static let window: TimeInterval = 15 * 60
    /// Failures of one account within the window before it is blocked.
    static let accountLimit = 5
    /// Failures from one address within the window before it is blocked, for any accounts.
    static let addressLimit = 20
    /// The first block; each further failure doubles it.
    static let firstBlock: TimeInterval = 30
    /// The longest block.
    static let longestBlock: TimeInterval = 15 * 60

    /// The throttle keys of one attempt: its account and its address.
    struct Keys: Sendable {
        /// `account:<e-mail in lower case>`.
        var account: String
        /// `address:<client IP>`.
        var address: String

        /// The keys of an attempt for `email` from `address`.
        init(email: String, address: String) {
            account = "account:" + email.lowercased()
            self.address = "address:" + address
        }
    }

    let pool: PostgresPool

    /// Throws ``SessionError/Code/throttled`` when either key is blocked at `now`.
    func check(_ keys: Keys, now: Date) throws {
        let rows = try pool.withConnection { connection in
            try connection.query(
                "SELECT max(blocked_until) FROM throttle WHERE key IN ($1, $2) AND blocked_until > $3",
                keys.account, keys.address, now)
        }
        guard let blockedUntil = try rows.first?.decode(Date?.self, at: 0) else { return }
        // timestamptz keeps microseconds, so the stored moment may lie a fraction of one after the computed one.
        let seconds = Int((blockedUntil.timeIntervalSince(now) - 0.000_001).rounded(.up))
        throw SessionError(
            code: .throttled, message: "attempt while blocked for \(seconds) s", retryAfterSeconds: max(seconds, 1))
    }

    /// Counts a failed password check against both keys, blocking a key that reached its limit.
    func recordFailure(_ keys: Keys, now: Date) throws {
        try pool.withTransaction { connection in
            try count(key: keys.account, limit: Self.accountLimit, now: now, on: connection)
            try count(key: keys.address, limit: Self.addressLimit, now: now, on: connection)
        }
    }

    /// Forgets the account's failures after its password was proven; the address keeps its count.
    func recordSuccess(_ keys: Keys) throws {
        try pool.withConnection { connection in
            _ = try connection.execute("DELETE FROM throttle WHERE key = $1", keys.account)
        }
    }

    private func count(key: String, limit: Int, now: Date, on connection: PostgresConnection) throws {
        try connection.execute(
            "INSERT INTO throttle (key, failures, window_started_at) VALUES ($1, 0, $2) ON CONFLICT (key) DO NOTHING",
            key, now)
        let row = try connection.query(
            "SELECT failures, window_started_at FROM throttle WHERE key = $1 FOR UPDATE", key)[0]
        var failures = try row.decode(Int.self, "failures")
        var windowStart = try row.decode(Date.self, "window_started_at")
        if now.timeIntervalSince(windowStart) > Self.window {
            failures = 0
            windowStart = now
        }
        failures += 1

        var blockedUntil: Date? = nil
        if failures >= limit {
            let doublings = min(failures - limit, 16)
            let block = min(Self.firstBlock * Double(1 << doublings), Self.longestBlock)
            blockedUntil = now.addingTimeInterval(block)
        }
        try connection.execute(
            """
            UPDATE throttle SET failures = $2, window_started_at = $3, blocked_until = coalesce($4, blocked_until)
            WHERE key = $1
            """, key, failures, windowStart, blockedUntil)
    }
}
