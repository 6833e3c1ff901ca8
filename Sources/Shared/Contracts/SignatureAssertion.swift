import Foundation

/// One boleta named in a signature assertion: its number and the hash of the content the signer saw.
public struct SignedBoletaContent: Codable, Sendable, Hashable {
    /// The boleta's number.
    public var number: Int64
    /// The SHA-256 of the boleta's content as shown to the signer, 64 lowercase hexadecimal characters.
    public var contentHash: String

    /// Names boleta `number` with the hash of its content.
    public init(number: Int64, contentHash: String) {
        self.number = number
        self.contentHash = contentHash
    }
}

/// The claims of a signature assertion: Identity's short-lived statement that a client user has just
/// proven its password to sign exactly these boletas, with this content (`DOMAIN.md` R20, R22).
///
/// Identity signs it as a JWT with the same key as access tokens, for the audience ``audience``;
/// Boleta verifies it with ``TokenVerifier`` (audience ``audience``), checks that the signer is the
/// boleta's contact and that every hash matches the current content, and accepts each ``tokenID``
/// once.
///
/// | JSON | property | meaning |
/// |---|---|---|
/// | `jti` | ``tokenID`` | the assertion's id (UUID) |
/// | `sub` | ``signerID`` | the signer's user id |
/// | `cli` | ``clientCode`` | the signer's client |
/// | `aud` | ``audience`` | always `boleta-signature` |
/// | `boletas` | ``boletas`` | the boletas and content hashes signed |
/// | `iat`, `exp` | ``issuedAt``, ``expiresAt`` | seconds since 1970 |
public struct SignatureAssertionClaims: Codable, Sendable, Equatable {
    /// The audience every signature assertion carries, so that it is never taken for an access token.
    public static let audience = "boleta-signature"

    /// The assertion's id, to be accepted once.
    public var tokenID: UUID
    /// The signer's user id.
    public var signerID: UUID
    /// The client the signer belongs to.
    public var clientCode: String
    /// The assertion's audience, ``audience``.
    public var audience: Audience
    /// The boletas and content hashes the signer signs.
    public var boletas: [SignedBoletaContent]
    /// When the assertion was issued.
    public var issuedAt: Date
    /// The moment from which the assertion is refused.
    public var expiresAt: Date

    /// Creates the claims of an assertion issued at `issuedAt` and valid for `lifetime`; times are
    /// rounded down to whole seconds, as JWT writes them.
    public init(
        tokenID: UUID = UUID(), signerID: UUID, clientCode: String, boletas: [SignedBoletaContent], issuedAt: Date,
        lifetime: Duration
    ) {
        let issued = Date(timeIntervalSince1970: issuedAt.timeIntervalSince1970.rounded(.down))
        self.tokenID = tokenID
        self.signerID = signerID
        self.clientCode = clientCode
        self.audience = Audience([Self.audience])
        self.boletas = boletas
        self.issuedAt = issued
        self.expiresAt = issued.addingTimeInterval(Double(lifetime.components.seconds))
    }

    enum CodingKeys: String, CodingKey {
        case tokenID = "jti"
        case signerID = "sub"
        case clientCode = "cli"
        case audience = "aud"
        case boletas
        case issuedAt = "iat"
        case expiresAt = "exp"
    }
}
