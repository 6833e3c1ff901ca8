/// Turns the `Authorization` header of a request into the ``Principal`` it names.
///
/// It knows nothing of the HTTP server: give it the header's value, get a principal or a 401.
public struct BearerAuthenticator: Sendable {
    /// The verifier that checks the tokens.
    public let verifier: TokenVerifier

    /// Creates an authenticator that verifies tokens with `verifier`.
    public init(verifier: TokenVerifier) {
        self.verifier = verifier
    }

    /// Returns the principal named by the bearer token in `authorization`, the value of the
    /// request's `Authorization` header (`nil` when the request has none).
    ///
    /// - Throws: ``HTTPError`` 401 when the header is missing, is not `Bearer <token>`, or the
    ///   token is refused; its cause (for logs) is the ``TokenError``.
    public func authenticate(authorization: String?) throws(HTTPError) -> Principal {
        guard let authorization else {
            throw HTTPError.unauthorized()
        }
        guard let token = Self.bearerToken(in: authorization) else {
            throw HTTPError.unauthorized("The Authorization header must be \"Bearer\" followed by a token.")
        }
        do {
            return try verifier.principal(from: token)
        } catch {
            throw error.httpError
        }
    }

    /// The token of a `Bearer` credential (RFC 6750: the scheme in any case, then spaces), or
    /// `nil` when `authorization` is another scheme or has no token.
    static func bearerToken(in authorization: String) -> String? {
        let trimmed = authorization.drop { $0 == " " }
        let scheme = trimmed.prefix { $0 != " " }
        guard scheme.lowercased() == "bearer" else { return nil }
        var token = trimmed.dropFirst(scheme.count).drop { $0 == " " }
        while token.last == " " { token = token.dropLast() }
        guard !token.isEmpty, !token.contains(" ") else { return nil }
        return String(token)
    }
}

extension HTTPError.Code {
    /// The user must change its password before anything else.
    public static let mustChangePassword: HTTPError.Code = "must-change-password"
}

extension Principal {
    /// Refuses, with 403 `must-change-password`, a principal that must change its password
    /// first. Every endpoint but the password change calls it.
    public func requirePasswordChanged() throws(HTTPError) {
        guard !mustChangePassword else {
            throw HTTPError.forbidden("The password must be changed first.", code: .mustChangePassword)
        }
    }
}
