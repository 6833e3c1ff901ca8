import Foundation

/// The events Identity publishes. Other services keep what they need of them in their own tables.

/// A person as other services need to know it: enough to address an e-mail and name it in a list.
public struct UserSummary: Codable, Sendable, Equatable {
    public var userId: UUID
    /// The client the user belongs to; `nil` for vendor staff.
    public var clientCode: String?
    /// The vendor role of staff; `nil` for client users.
    public var vendorRole: VendorRole?
    /// The user's code within its client (`001`) or the staff code (`D51591`).
    public var code: String
    public var name: String
    public var email: String
    public var isManager: Bool
    public var isApprover: Bool
    /// The last day the user is active, for client users (R10).
    public var activeUntil: String?

    public init(
        userId: UUID, clientCode: String?, vendorRole: VendorRole?, code: String, name: String, email: String,
        isManager: Bool, isApprover: Bool, activeUntil: String?
    ) {
        self.userId = userId
        self.clientCode = clientCode
        self.vendorRole = vendorRole
        self.code = code
        self.name = name
        self.email = email
        self.isManager = isManager
        self.isApprover = isApprover
        self.activeUntil = activeUntil
    }
}

/// A client was registered by vendor support (R1).
public struct ClientRegistered: DomainEvent {
    public static let type = "identity.client.registered"
    public static let version = 1
    public var code: String
    public var name: String
    public var timeZone: String

    public init(code: String, name: String, timeZone: String) {
        self.code = code
        self.name = name
        self.timeZone = timeZone
    }
}

/// A client's name, time zone or state changed.
public struct ClientUpdated: DomainEvent {
    public static let type = "identity.client.updated"
    public static let version = 1
    public var code: String
    public var name: String
    public var timeZone: String
    public var isActive: Bool

    public init(code: String, name: String, timeZone: String, isActive: Bool) {
        self.code = code
        self.name = name
        self.timeZone = timeZone
        self.isActive = isActive
    }
}

/// A user was registered; Mail sends the welcome e-mail with the initial password (R9).
///
/// The initial password travels sealed (libsodium `crypto_box_seal`) to Mail's public key, so
/// that no outbox row, broker queue or log ever holds it readable.
public struct UserRegistered: DomainEvent {
    public static let type = "identity.user.registered"
    public static let version = 1
    public var user: UserSummary
    /// The initial password sealed to Mail's public key, base64url.
    public var sealedInitialPassword: String?
    /// When the initial password stops working.
    public var initialPasswordExpiresAt: Date?

    public init(user: UserSummary, sealedInitialPassword: String?, initialPasswordExpiresAt: Date?) {
        self.user = user
        self.sealedInitialPassword = sealedInitialPassword
        self.initialPasswordExpiresAt = initialPasswordExpiresAt
    }
}

/// A user was given a new initial password (R9), because its first one expired, was used
/// without being changed, or never arrived; Mail sends it as a new welcome e-mail.
///
/// The password travels sealed to Mail's public key, as in ``UserRegistered``.
public struct InitialPasswordIssued: DomainEvent {
    public static let type = "identity.user.initial-password-issued"
    public static let version = 1
    public var user: UserSummary
    /// The new initial password sealed to Mail's public key, base64url.
    public var sealedInitialPassword: String?
    /// When the new initial password stops working.
    public var initialPasswordExpiresAt: Date?

    public init(user: UserSummary, sealedInitialPassword: String?, initialPasswordExpiresAt: Date?) {
        self.user = user
        self.sealedInitialPassword = sealedInitialPassword
        self.initialPasswordExpiresAt = initialPasswordExpiresAt
    }
}

/// A user's own data (name, e-mail, phone...) changed.
public struct UserUpdated: DomainEvent {
    public static let type = "identity.user.updated"
    public static let version = 1
    public var user: UserSummary

    public init(user: UserSummary) {
        self.user = user
    }
}

/// Vendor support granted or removed a flag, on the request of a PAT (R7).
public struct UserFlagsChanged: DomainEvent {
    public static let type = "identity.user.flags-changed"
    public static let version = 1
    public var user: UserSummary
    public var patNumber: String

    public init(user: UserSummary, patNumber: String) {
        self.user = user
        self.patNumber = patNumber
    }
}

/// A user was deleted; its history stays (R12), its tokens stop working everywhere.
public struct UserDeleted: DomainEvent {
    public static let type = "identity.user.deleted"
    public static let version = 1
    public var userId: UUID
    public var clientCode: String?

    public init(userId: UUID, clientCode: String?) {
        self.userId = userId
        self.clientCode = clientCode
    }
}

/// A user reached its date without reactivation and became inactive (R10); its tokens stop working.
public struct UserDeactivated: DomainEvent {
    public static let type = "identity.user.deactivated"
    public static let version = 1
    public var userId: UUID
    public var clientCode: String?

    public init(userId: UUID, clientCode: String?) {
        self.userId = userId
        self.clientCode = clientCode
    }
}

/// A user was reactivated for another cycle (R11).
public struct UserReactivated: DomainEvent {
    public static let type = "identity.user.reactivated"
    public static let version = 1
    public var user: UserSummary

    public init(user: UserSummary) {
        self.user = user
    }
}

/// A user changed its password; Mail tells it so.
public struct PasswordChanged: DomainEvent {
    public static let type = "identity.user.password-changed"
    public static let version = 1
    public var userId: UUID
    public var changedAt: Date

    public init(userId: UUID, changedAt: Date) {
        self.userId = userId
        self.changedAt = changedAt
    }
}

/// Five days before a client's users reach their date, the managers (or vendor support, when the
/// client has no active manager) are to be told, with the list (R11).
public struct InactivationWarningDue: DomainEvent {
    public static let type = "identity.inactivation-warning.due"
    public static let version = 1

    /// One user of the list.
    public struct Entry: Codable, Sendable, Equatable {
        public var userId: UUID
        public var code: String
        public var name: String
        public var activeUntil: String

        public init(userId: UUID, code: String, name: String, activeUntil: String) {
            self.userId = userId
            self.code = code
            self.name = name
            self.activeUntil = activeUntil
        }
    }

    public var clientCode: String
    public var clientName: String
    /// The managers to write to; empty when the client has none active, and vendor support is written to.
    public var recipients: [UUID]
    public var users: [Entry]
    /// The day the warning is for.
    public var period: String

    public init(clientCode: String, clientName: String, recipients: [UUID], users: [Entry], period: String) {
        self.clientCode = clientCode
        self.clientName = clientName
        self.recipients = recipients
        self.users = users
        self.period = period
    }
}
