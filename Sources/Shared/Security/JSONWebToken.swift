import Foundation

/// JSON Web Tokens in the compact JWS form (RFC 7515, RFC 7519), signed with Ed25519 (`EdDSA`,
/// RFC 8037). The only algorithm made or accepted.
///
/// A token is `base64url(header).base64url(claims).base64url(signature)`, the signature being
/// over the first two parts as written. Dates are whole seconds since 1970 (`NumericDate`).
public enum JSONWebToken {
    /// The one algorithm name written and accepted in the `alg` header.
    public static let algorithm = "EdDSA"
    /// The media type written in the `typ` header.
    public static let type = "JWT"

    /// The JOSE header of a token.
    public struct Header: Codable, Sendable, Equatable {
        /// `alg`: the signature algorithm.
        public var algorithm: String
        /// `typ`: the token's media type, `JWT`.
        public var type: String?
        /// `kid`: the name of the key that signed.
        public var keyID: String?
        /// `crit`: extensions the reader must understand; none are, so a token with it is refused.
        public var critical: [String]?

        enum CodingKeys: String, CodingKey {
            case algorithm = "alg"
            case type = "typ"
            case keyID = "kid"
            case critical = "crit"
        }
    }

    /// Signs `claims` with `key` and returns the compact token.
    ///
    /// - Parameters:
    ///   - claims: the payload, usually ``AccessClaims``; its dates are written as seconds.
    ///   - key: the signing key.
    ///   - keyID: the `kid` header; by default the public key's ``Ed25519/PublicKey/thumbprint``.
    /// - Throws: the encoding error of `claims`, if it cannot be written as JSON.
    public static func sign(claims: some Encodable, key: Ed25519.PrivateKey, keyID: String? = nil) throws -> String {
        let header = Header(algorithm: algorithm, type: type, keyID: keyID ?? key.publicKey.thumbprint)
        let encoder = makeEncoder()
        let signingInput =
            Sodium.base64URLEncode(Array(try encoder.encode(header))) + "."
            + Sodium.base64URLEncode(Array(try encoder.encode(claims)))
        let signature = key.signature(for: Array(signingInput.utf8))
        return signingInput + "." + Sodium.base64URLEncode(signature)
    }

    /// A JSON encoder that writes dates as whole seconds since 1970.
    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Int64(date.timeIntervalSince1970.rounded(.down)))
        }
        return encoder
    }

    /// A JSON decoder that reads dates as seconds since 1970, fractions allowed.
    static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }

    /// `duration` in seconds, as Foundation's dates count.
    static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// Why a token was refused.
///
/// Every code answers 401; the detail says what kind of problem it was and never more, and the
/// message (for logs) never holds the token itself.
public struct TokenError: Error, Sendable, CustomStringConvertible, HTTPErrorConvertible {
    /// The kind of refusal.
    public struct Code: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }

        /// Not three base64url parts of JSON, or claims missing or of the wrong shape.
        public static let malformed: Code = "malformed"
        /// The signature does not match the header and claims.
        public static let badSignature: Code = "bad-signature"
        /// The `kid` names no key this service knows.
        public static let unknownKey: Code = "unknown-key"
        /// The `exp` claim has passed.
        public static let expired: Code = "expired"
        /// The `nbf` or `iat` claim lies in the future.
        public static let notYetValid: Code = "not-yet-valid"
        /// The `aud` claim does not name this service.
        public static let wrongAudience: Code = "wrong-audience"
        /// The `alg` header is not `EdDSA`.
        public static let unsupportedAlgorithm: Code = "unsupported-algorithm"
    }

    /// The kind of refusal.
    public var code: Code
    /// What was wrong, for logs.
    public var message: String
    /// The underlying error, such as a decoding error, if any.
    public var cause: (any Error)?

    /// Creates a refusal with `code` and a `message` for logs.
    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        "token \(code.rawValue): \(message)" + (cause.map { " (cause: \($0))" } ?? "")
    }

    /// A 401 that tells the client, as RFC 6750 does, that its token is not valid.
    public var httpError: HTTPError {
        let detail: String
        switch code {
        case .expired: detail = "The token has expired."
        case .notYetValid: detail = "The token is not valid yet."
        case .wrongAudience: detail = "The token is not meant for this service."
        case .unsupportedAlgorithm: detail = "The token's algorithm is not accepted."
        case .badSignature, .unknownKey: detail = "The token's signature is not valid."
        default: detail = "The token is malformed."
        }
        var error = HTTPError.unauthorized(detail)
        error.headers = [("WWW-Authenticate", #"Bearer error="invalid_token""#)]
        error.cause = self
        return error
    }
}
