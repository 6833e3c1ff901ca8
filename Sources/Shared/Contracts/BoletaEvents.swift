import Foundation

/// The events Boleta publishes about boletas; Mail and Approval consume them.

/// The nature of a boleta, set by its technician (R16).
public enum BoletaNature: String, Codable, Sendable, CaseIterable {
    /// Billed to the client: needs the financial approver's decision (R25).
    case billed
    /// Not billed; it is still signed (R19).
    case notBilled
    /// Covered by a contract: needs the financial approver's decision (R25).
    case contracted
}

/// What Mail and Approval need to know of a boleta as recorded or changed.
public struct BoletaFacts: Codable, Sendable, Equatable {
    /// The boleta's number.
    public var number: Int64
    /// Its revision: 1 when recorded, one more at each change.
    public var revision: Int
    /// The day of the work, `YYYY-MM-DD`.
    public var workDate: String
    public var clientCode: String
    /// The client user who signs it (R20).
    public var contactUserId: UUID
    /// The client's financial approver (R25).
    public var approverUserId: UUID
    /// The technician who recorded it.
    public var technicianUserId: UUID
    public var serviceCode: String
    public var serviceDescription: String
    public var patNumber: String?
    public var nature: BoletaNature
    /// The amount in BRL with two decimals, as text so that it stays exact.
    public var amount: String
    /// The hours worked, as whole minutes: the sum over the time entries of end minus start, the same
    /// time R17 multiplies by the rate, before any overtime multiplier. Minutes rather than decimal hours,
    /// since a time such as 7 minutes has no exact decimal in hours.
    ///
    /// Added after version 1 of the recorded and changed events: `nil` in an event written before.
    public var minutes: Int?
    /// The SHA-256 (hex) of the content the signer sees.
    public var contentHash: String
    /// The signed boleta this one corrects, if any (R18).
    public var replacesNumber: Int64?

    /// Gathers the facts of one boleta.
    public init(
        number: Int64, revision: Int, workDate: String, clientCode: String, contactUserId: UUID,
        approverUserId: UUID, technicianUserId: UUID, serviceCode: String, serviceDescription: String,
        patNumber: String?, nature: BoletaNature, amount: String, contentHash: String, replacesNumber: Int64?,
        minutes: Int? = nil
    ) {
        self.number = number
        self.revision = revision
        self.workDate = workDate
        self.clientCode = clientCode
        self.contactUserId = contactUserId
        self.approverUserId = approverUserId
        self.technicianUserId = technicianUserId
        self.serviceCode = serviceCode
        self.serviceDescription = serviceDescription
        self.patNumber = patNumber
        self.nature = nature
        self.amount = amount
        self.minutes = minutes
        self.contentHash = contentHash
        self.replacesNumber = replacesNumber
    }
}

/// A technician recorded a boleta; Mail asks the contact to sign it (R24), Approval awaits it.
public struct BoletaRecorded: DomainEvent {
    public static let type = "boleta.recorded"
    public static let version = 1
    public var boleta: BoletaFacts

    /// The event for `boleta`.
    public init(boleta: BoletaFacts) {
        self.boleta = boleta
    }
}

/// The technician changed a boleta not yet signed; its content hash changed with it.
public struct BoletaChanged: DomainEvent {
    public static let type = "boleta.changed"
    public static let version = 1
    public var boleta: BoletaFacts

    /// The event for `boleta` as it now is.
    public init(boleta: BoletaFacts) {
        self.boleta = boleta
    }
}

/// The technician deleted a boleta not yet signed (R18).
public struct BoletaDeleted: DomainEvent {
    public static let type = "boleta.deleted"
    public static let version = 1
    public var number: Int64
    public var clientCode: String
    public var contactUserId: UUID
    public var approverUserId: UUID
    public var technicianUserId: UUID

    /// The event for boleta `number`, naming the people who knew of it.
    public init(number: Int64, clientCode: String, contactUserId: UUID, approverUserId: UUID, technicianUserId: UUID) {
        self.number = number
        self.clientCode = clientCode
        self.contactUserId = contactUserId
        self.approverUserId = approverUserId
        self.technicianUserId = technicianUserId
    }
}

/// Vendor support cancelled a signed boleta, with a reason, usually for a correcting one (R18).
public struct BoletaCancelled: DomainEvent {
    public static let type = "boleta.cancelled"
    public static let version = 1
    public var number: Int64
    public var clientCode: String
    public var reason: String
    /// The boleta that replaces it, when there is one.
    public var replacementNumber: Int64?
    public var contactUserId: UUID
    public var approverUserId: UUID
    public var technicianUserId: UUID

    /// The event for boleta `number`.
    public init(
        number: Int64, clientCode: String, reason: String, replacementNumber: Int64?, contactUserId: UUID,
        approverUserId: UUID, technicianUserId: UUID
    ) {
        self.number = number
        self.clientCode = clientCode
        self.reason = reason
        self.replacementNumber = replacementNumber
        self.contactUserId = contactUserId
        self.approverUserId = approverUserId
        self.technicianUserId = technicianUserId
    }
}

/// The financial approver's decision on a billed or contracted boleta (R25).
public enum ApprovalDecision: String, Codable, Sendable, CaseIterable {
    case approve
    case reject
}

/// The boleta's contact signed it (R19-R22); Mail confirms it to the signer (R23) and asks the approver
/// for a decision unless the approver signed with one (R26); a disagreement raises a divergence (R21).
public struct BoletaSigned: DomainEvent {
    public static let type = "boleta.signed"
    public static let version = 1
    public var number: Int64
    public var clientCode: String
    /// The day of the work, `YYYY-MM-DD`.
    public var workDate: String
    /// The user who signed: the boleta's contact.
    public var signerUserId: UUID
    public var technicianUserId: UUID
    public var contactUserId: UUID
    public var approverUserId: UUID
    /// The nature as the technician set it, which the signature leaves unchanged.
    public var nature: BoletaNature
    /// The amount in BRL with two decimals, as text so that it stays exact.
    public var amount: String
    /// Whether the signer agrees with the nature; `false` raises a divergence (R21).
    public var agreesWithNature: Bool
    /// What the signer wrote, empty when nothing.
    public var observation: String
    /// The approver's decision, when the approver signed and decided in the same step (R26).
    public var decision: ApprovalDecision?
    /// The observation that comes with ``decision``.
    public var decisionObservation: String?
    /// When Boleta recorded the signature.
    public var signedAt: Date

    /// The event for the signature of boleta `number`.
    public init(
        number: Int64, clientCode: String, workDate: String, signerUserId: UUID, technicianUserId: UUID,
        contactUserId: UUID, approverUserId: UUID, nature: BoletaNature, amount: String, agreesWithNature: Bool,
        observation: String, decision: ApprovalDecision?, decisionObservation: String?, signedAt: Date
    ) {
        self.number = number
        self.clientCode = clientCode
        self.workDate = workDate
        self.signerUserId = signerUserId
        self.technicianUserId = technicianUserId
        self.contactUserId = contactUserId
        self.approverUserId = approverUserId
        self.nature = nature
        self.amount = amount
        self.agreesWithNature = agreesWithNature
        self.observation = observation
        self.decision = decision
        self.decisionObservation = decisionObservation
        self.signedAt = signedAt
    }
}

/// A contact user has boletas still unsigned whose work date is two or more days before the period;
/// Mail writes it one e-mail listing them (R32). At most one per user and period.
public struct SignatureRemindersDue: DomainEvent {
    public static let type = "boleta.signature-reminders.due"
    public static let version = 1

    /// One unsigned boleta of the list.
    public struct Entry: Codable, Sendable, Equatable {
        public var number: Int64
        /// The day of the work, `YYYY-MM-DD`.
        public var workDate: String
        public var technicianName: String
        public var nature: BoletaNature
        public var serviceDescription: String

        /// An entry for boleta `number`.
        public init(
            number: Int64, workDate: String, technicianName: String, nature: BoletaNature, serviceDescription: String
        ) {
            self.number = number
            self.workDate = workDate
            self.technicianName = technicianName
            self.nature = nature
            self.serviceDescription = serviceDescription
        }
    }

    /// The contact to remind.
    public var userId: UUID
    public var clientCode: String
    /// The day the reminder is for, `YYYY-MM-DD`.
    public var period: String
    /// The boletas to sign, oldest first.
    public var boletas: [Entry]

    /// The reminder of `userId` for `period`.
    public init(userId: UUID, clientCode: String, period: String, boletas: [Entry]) {
        self.userId = userId
        self.clientCode = clientCode
        self.period = period
        self.boletas = boletas
    }
}
