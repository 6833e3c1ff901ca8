import Foundation
import Shared

/// Why a login, a token refresh, a password check or a signature assertion was refused.
///
/// Every credential problem answers the same 401, whatever went wrong, so that an answer never
/// tells whether an account exists, is inactive, or only had its password mistyped; the
/// ``message`` (for logs only) says which it was and never holds a password, token or e-mail.
struct SessionError: Error, Sendable, CustomStringConvertible, HTTPErrorConvertible {
    /// The kind of refusal.
    struct Code: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
        var rawValue: String
        init(rawValue: String) { self.rawValue = rawValue }
        init(stringLiteral value: String) { self.rawValue = value }

        /// Unknown e-mail, wrong password, or a user that cannot log in.
        static let invalidCredentials: Code = "invalid-credentials"
        /// A refresh token that is unknown, expired, revoked, already used, or of a user that cannot act.
        static let invalidRefreshToken: Code = "invalid-refresh-token"
        /// Too many recent failures for the account or the address.
        static let throttled: Code = "throttled"
    }

    /// The kind of refusal.
    var code: Code
    /// What happened, for logs.
    var message: String
    /// For ``Code/throttled``: how many seconds until the next attempt is heard.
    var retryAfterSeconds: Int?

    /// Creates a refusal of kind `code`, explained for logs by `message`.
    init(code: Code, message: String, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    var description: String { "session \(code.rawValue): \(message)" }

    /// The same 401 for every credential problem, and 429 with `Retry-After` when throttled.
    var httpError: HTTPError {
        switch code {
        case .throttled:
            var error = HTTPError.throttled(retryAfter: retryAfterSeconds ?? 1)
            error.cause = self
            return error
        case .invalidRefreshToken:
            var error = HTTPError.unauthorized("The refresh token is not valid; log in again.")
            error.cause = self
            return error
        default:
            var error = HTTPError.unauthorized("The e-mail or the password is not correct.")
            error.cause = self
            return error
        }
    }
}
