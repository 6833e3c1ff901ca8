import Foundation

/// Who is making a request, as a verified access token says.
///
/// Either a client user (with a ``clientCode`` and possibly the `manager` and `approver` flags)
/// or a vendor staff member (with a ``vendorRole``), never both. Endpoints check object-level
/// access against it; it does not say whether the user is still active, which each service
/// learns from Identity's events.
public struct Principal: Sendable, Hashable {
    /// The user's id.
    public var userID: UUID
    /// The client a client user belongs to; `nil` for vendor staff.
    public var clientCode: String?
    /// The vendor staff member's role; `nil` for client users.
    public var vendorRole: VendorRole?
    /// Whether the client user holds the `manager` flag.
    public var hasManagerFlag: Bool
    /// Whether the client user holds the `approver` flag.
    public var hasApproverFlag: Bool
    /// Whether the user must change its password before it may do anything else.
    public var mustChangePassword: Bool
    /// The id of the token the principal came from, for audit logs.
    public var tokenID: String
    /// When that token expires.
    public var expiresAt: Date

    /// Derives the principal from verified claims.
    ///
    /// - Throws: ``TokenError`` with code ``TokenError/Code/malformed`` when the claims mix a
    ///   client user's and a vendor staff member's attributes, or have neither.
    public init(claims: AccessClaims) throws(TokenError) {
        switch (claims.clientCode, claims.vendorRole) {
        case (.some(let client), nil) where !client.isEmpty:
            break
        case (nil, .some):
            guard !claims.isManager, !claims.isApprover else {
                throw TokenError(code: .malformed, message: "vendor staff cannot hold client user flags")
            }
        default:
            throw TokenError(code: .malformed, message: "the token names neither exactly a client nor a vendor role")
        }
        userID = claims.userID
        clientCode = claims.clientCode
        vendorRole = claims.vendorRole
        hasManagerFlag = claims.isManager
        hasApproverFlag = claims.isApprover
        mustChangePassword = claims.mustChangePassword
        tokenID = claims.tokenID
        expiresAt = claims.expiresAt
    }

    /// Whether the principal is a member of the vendor's staff.
    public var isVendorStaff: Bool { vendorRole != nil }

    /// Whether the principal is a user of some client.
    public var isClientUser: Bool { clientCode != nil }

    /// Whether the principal is a user of `client`.
    public func belongs(to client: String) -> Bool {
        clientCode == client
    }

    /// Whether the principal is a manager of `client`; a manager never acts on another client.
    public func isManager(of client: String) -> Bool {
        hasManagerFlag && belongs(to: client)
    }

    /// Whether the principal is a financial approver of `client`.
    public func isApprover(of client: String) -> Bool {
        hasApproverFlag && belongs(to: client)
    }

    /// Whether the principal is vendor staff with `role`.
    public func hasVendorRole(_ role: VendorRole) -> Bool {
        vendorRole == role
    }

    /// Whether the principal may see the data of every client: vendor support and management.
    public var seesAllClients: Bool {
        vendorRole == .support || vendorRole == .management
    }
}
