import Foundation

/// The audience of a token (`aud`): one service name, or several.
///
/// JWT allows both a string and an array of strings; a single audience is written as a string.
public struct Audience: Codable, Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByArrayLiteral {
    /// The services the token is meant for.
    public var values: [String]

    /// Creates an audience of one or more services.
    public init(_ values: [String]) {
        self.values = values
    }

    public init(stringLiteral value: String) {
        self.values = [value]
    }

    public init(arrayLiteral values: String...) {
        self.values = values
    }

    /// Tells whether `service` is among the audience.
    public func contains(_ service: String) -> Bool {
        values.contains(service)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let single = try? container.decode(String.self) {
            values = [single]
        } else {
            values = try container.decode([String].self)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if values.count == 1 {
            try container.encode(values[0])
        } else {
            try container.encode(values)
        }
    }
}

/// The registered claims of RFC 7519 that ``TokenVerifier`` checks on every token, whatever
/// else the token carries.
public struct RegisteredClaims: Codable, Sendable, Equatable {
    /// `sub`: whom the token is about.
    public var subject: String?
    /// `aud`: the services the token is meant for.
    public var audience: Audience?
    /// `exp`: the moment from which the token is refused.
    public var expiresAt: Date?
    /// `nbf`: the moment before which the token is refused.
    public var notBefore: Date?
    /// `iat`: when the token was issued.
    public var issuedAt: Date?
    /// `jti`: the token's unique id.
    public var tokenID: String?

    enum CodingKeys: String, CodingKey {
        case subject = "sub"
        case audience = "aud"
        case expiresAt = "exp"
        case notBefore = "nbf"
        case issuedAt = "iat"
        case tokenID = "jti"
    }
}

/// A vendor staff member's role (`DOMAIN.md` R8). No client user holds one.
public enum VendorRole: String, Codable, Sendable, CaseIterable {
    /// Records boletas and sees those it recorded.
    case technician
    /// Registers clients and their first users, grants flags, sees all.
    case support
    /// Resolves divergences, sees all.
    case management
}

/// The claims of an access token that Identity issues and every service verifies.
///
/// Field names in the JSON are short, because the token travels with every request:
///
/// | JSON | property | meaning |
/// |---|---|---|
/// | `sub` | ``userID`` | the user's id (UUID) |
/// | `aud` | ``audience`` | the services that accept the token |
/// | `exp` | ``expiresAt`` | expiry, seconds since 1970 |
/// | `nbf` | ``notBefore`` | not valid before, seconds since 1970 (optional) |
/// | `iat` | ``issuedAt`` | issue time, seconds since 1970 |
/// | `jti` | ``tokenID`` | the token's unique id |
/// | `cli` | ``clientCode`` | the client a client user belongs to; absent for vendor staff |
/// | `mgr` | ``isManager`` | client user with the `manager` flag; written only when true |
/// | `apr` | ``isApprover`` | client user with the `approver` flag; written only when true |
/// | `vrl` | ``vendorRole`` | vendor staff role; absent for client users |
/// | `mcp` | ``mustChangePassword`` | the user must change its password first; written only when true |
public struct AccessClaims: Codable, Sendable, Equatable {
    /// The user's id, carried as the subject.
    public var userID: UUID
    /// The services that accept the token.
    public var audience: Audience
    /// The moment from which the token is refused.
    public var expiresAt: Date
    /// The moment before which the token is refused, if any.
    public var notBefore: Date?
    /// When the token was issued.
    public var issuedAt: Date
    /// The token's unique id.
    public var tokenID: String
    /// The client a client user belongs to; `nil` for vendor staff.
    public var clientCode: String?
    /// Whether the client user holds the `manager` flag.
    public var isManager: Bool
    /// Whether the client user holds the `approver` flag.
    public var isApprover: Bool
    /// The vendor staff member's role; `nil` for client users.
    public var vendorRole: VendorRole?
    /// Whether the user must change its password before it may do anything else.
    public var mustChangePassword: Bool

    /// Creates the claims of a token issued at `issuedAt` and valid for `lifetime`, with a
    /// random ``tokenID``. Times are rounded down to whole seconds, as JWT writes them.
    public init(
        userID: UUID, audience: Audience, issuedAt: Date, lifetime: Duration, clientCode: String? = nil,
        isManager: Bool = false, isApprover: Bool = false, vendorRole: VendorRole? = nil,
        mustChangePassword: Bool = false
    ) {
        let issued = Date(timeIntervalSince1970: issuedAt.timeIntervalSince1970.rounded(.down))
        self.userID = userID
        self.audience = audience
        self.issuedAt = issued
        self.expiresAt = issued.addingTimeInterval(JSONWebToken.seconds(lifetime).rounded(.down))
        self.notBefore = nil
        self.tokenID = Sodium.randomToken(bytes: 16)
        self.clientCode = clientCode
        self.isManager = isManager
        self.isApprover = isApprover
        self.vendorRole = vendorRole
        self.mustChangePassword = mustChangePassword
    }

    enum CodingKeys: String, CodingKey {
        case userID = "sub"
        case audience = "aud"
        case expiresAt = "exp"
        case notBefore = "nbf"
        case issuedAt = "iat"
        case tokenID = "jti"
        case clientCode = "cli"
        case isManager = "mgr"
        case isApprover = "apr"
        case vendorRole = "vrl"
        case mustChangePassword = "mcp"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        userID = try container.decode(UUID.self, forKey: .userID)
        audience = try container.decode(Audience.self, forKey: .audience)
        expiresAt = try container.decode(Date.self, forKey: .expiresAt)
        notBefore = try container.decodeIfPresent(Date.self, forKey: .notBefore)
        issuedAt = try container.decode(Date.self, forKey: .issuedAt)
        tokenID = try container.decode(String.self, forKey: .tokenID)
        clientCode = try container.decodeIfPresent(String.self, forKey: .clientCode)
        isManager = try container.decodeIfPresent(Bool.self, forKey: .isManager) ?? false
        isApprover = try container.decodeIfPresent(Bool.self, forKey: .isApprover) ?? false
        vendorRole = try container.decodeIfPresent(VendorRole.self, forKey: .vendorRole)
        mustChangePassword = try container.decodeIfPresent(Bool.self, forKey: .mustChangePassword) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(userID, forKey: .userID)
        try container.encode(audience, forKey: .audience)
        try container.encode(expiresAt, forKey: .expiresAt)
        try container.encodeIfPresent(notBefore, forKey: .notBefore)
        try container.encode(issuedAt, forKey: .issuedAt)
        try container.encode(tokenID, forKey: .tokenID)
        try container.encodeIfPresent(clientCode, forKey: .clientCode)
        if isManager { try container.encode(true, forKey: .isManager) }
        if isApprover { try container.encode(true, forKey: .isApprover) }
        try container.encodeIfPresent(vendorRole, forKey: .vendorRole)
        if mustChangePassword { try container.encode(true, forKey: .mustChangePassword) }
    }
}
