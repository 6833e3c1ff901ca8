import Foundation

/// Verifies the JWTs that Identity signs, without calling Identity.
///
/// A token is accepted only when all of these hold, checked in this order:
/// 1. it is three base64url parts, and the header is JSON with `alg` exactly `EdDSA`, no
///    `crit`, and `typ`, if any, `JWT`;
/// 2. the signature over `header.payload` verifies with the key its `kid` names (or the only
///    key, when the verifier has one);
/// 3. `exp` is present and not past, `nbf` and `iat`, if present, are not in the future, all
///    within ``leeway``;
/// 4. `aud`, a string or an array, names ``audience``;
/// 5. the payload decodes as the claims type asked for.
///
/// A value type without mutable state: share one across request threads.
public struct TokenVerifier: Sendable {
    /// Tokens longer than this are refused before any parsing; real ones are a few hundred bytes.
    public static let maximumTokenLength = 8192

    private let publicKeys: [String: Ed25519.PublicKey]
    /// The service name that `aud` must contain.
    public let audience: String
    /// How far clocks may disagree between the issuer and this service.
    public let leeway: Duration
    private let clock: @Sendable () -> Date

    /// Creates a verifier that accepts tokens signed by any of `publicKeys`, named by `kid`.
    ///
    /// - Parameters:
    ///   - publicKeys: the keys, by the `kid` the issuer writes (their thumbprints by default).
    ///   - audience: this service's name, which `aud` must contain.
    ///   - leeway: the clock skew allowed on `exp`, `nbf` and `iat`.
    ///   - clock: the current time; tests pass a fixed one.
    public init(
        publicKeys: [String: Ed25519.PublicKey], audience: String, leeway: Duration = .seconds(30),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.publicKeys = publicKeys
        self.audience = audience
        self.leeway = leeway
        self.clock = clock
    }

    /// Creates a verifier that accepts tokens signed by `publicKey`, whatever their `kid`.
    public init(
        publicKey: Ed25519.PublicKey, audience: String, leeway: Duration = .seconds(30),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(publicKeys: [publicKey.thumbprint: publicKey], audience: audience, leeway: leeway, clock: clock)
    }

    /// Verifies `token` and returns its claims decoded as `type`.
    ///
    /// - Throws: ``TokenError`` saying why the token was refused.
    public func verify<Claims: Decodable>(
        _ token: String, as type: Claims.Type = Claims.self
    ) throws(TokenError) -> Claims {
        let payload = try verifiedPayload(of: token)
        let decoder = JSONWebToken.makeDecoder()

        let registered: RegisteredClaims
        do {
            registered = try decoder.decode(RegisteredClaims.self, from: payload)
        } catch {
            throw TokenError(code: .malformed, message: "the registered claims cannot be read", cause: error)
        }
        try check(registered)

        do {
            return try decoder.decode(Claims.self, from: payload)
        } catch {
            throw TokenError(code: .malformed, message: "the claims do not have the expected shape", cause: error)
        }
    }

    /// Verifies an access token and returns the principal it names.
    ///
    /// - Throws: ``TokenError`` saying why the token was refused.
    public func principal(from token: String) throws(TokenError) -> Principal {
        try Principal(claims: verify(token, as: AccessClaims.self))
    }

    /// Checks the token's form, header and signature, and returns the payload's JSON bytes.
    private func verifiedPayload(of token: String) throws(TokenError) -> Data {
        guard token.utf8.count <= Self.maximumTokenLength else {
            throw TokenError(code: .malformed, message: "the token is longer than \(Self.maximumTokenLength) bytes")
        }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw TokenError(code: .malformed, message: "the token has \(parts.count) parts instead of 3")
        }

        let header: JSONWebToken.Header
        do {
            header = try JSONWebToken.makeDecoder().decode(JSONWebToken.Header.self, from: Data(decode(parts[0])))
        } catch {
            throw TokenError(code: .malformed, message: "the header cannot be read", cause: error)
        }
        guard header.algorithm == JSONWebToken.algorithm else {
            throw TokenError(code: .unsupportedAlgorithm, message: "the algorithm is not EdDSA")
        }
        guard header.critical == nil else {
            throw TokenError(code: .malformed, message: "the header has critical extensions")
        }
        if let type = header.type, type.uppercased() != JSONWebToken.type {
            throw TokenError(code: .malformed, message: "the header's type is not JWT")
        }

        let key = try key(named: header.keyID)
        let signature = try decode(parts[2])
        let signingInput = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        guard key.isValidSignature(signature, for: signingInput) else {
            throw TokenError(code: .badSignature, message: "the signature does not verify")
        }
        return Data(try decode(parts[1]))
    }

    private func key(named keyID: String?) throws(TokenError) -> Ed25519.PublicKey {
        if let keyID, let key = publicKeys[keyID] { return key }
        // With a single key there is nothing to choose: the signature check decides.
        if publicKeys.count == 1, let only = publicKeys.first { return only.value }
        throw TokenError(code: .unknownKey, message: "the key id names no known key")
    }

    private func decode(_ part: Substring) throws(TokenError) -> [UInt8] {
        do {
            return try Sodium.base64URLDecode(part)
        } catch {
            throw TokenError(code: .malformed, message: "a part is not base64url", cause: error)
        }
    }

    private func check(_ claims: RegisteredClaims) throws(TokenError) {
        let now = clock()
        let leeway = JSONWebToken.seconds(leeway)

        guard let expiresAt = claims.expiresAt else {
            throw TokenError(code: .malformed, message: "the token has no expiry")
        }
        guard now.timeIntervalSince(expiresAt) < leeway else {
            throw TokenError(code: .expired, message: "the token expired at \(expiresAt)")
        }
        if let notBefore = claims.notBefore, notBefore.timeIntervalSince(now) > leeway {
            throw TokenError(code: .notYetValid, message: "the token is not valid before \(notBefore)")
        }
        if let issuedAt = claims.issuedAt {
            guard issuedAt.timeIntervalSince(now) <= leeway else {
                throw TokenError(code: .notYetValid, message: "the token was issued in the future, at \(issuedAt)")
            }
            guard issuedAt <= expiresAt else {
                throw TokenError(code: .malformed, message: "the token expires before it was issued")
            }
        }
        guard let audience = claims.audience, audience.contains(self.audience) else {
            throw TokenError(code: .wrongAudience, message: "the audience does not name \(self.audience)")
        }
    }
}
