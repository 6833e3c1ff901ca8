import Foundation

/// The events Approval publishes about financial decisions and divergences; Mail and Boleta consume them.

/// What a message or a report needs to say of the boleta a decision is about.
public struct ApprovalSubject: Codable, Sendable, Equatable {
    public var number: Int64
    public var clientCode: String
    /// The day of the work, `YYYY-MM-DD`.
    public var workDate: String
    public var technicianUserId: UUID
    public var contactUserId: UUID
    public var approverUserId: UUID
    public var serviceDescription: String
    public var patNumber: String?
    /// The nature as the technician set it.
    public var nature: BoletaNature
    /// The amount in BRL with two decimals, as text so that it stays exact.
    public var amount: String
    /// The hours worked, as whole minutes (see ``BoletaFacts/minutes``); `nil` when Boleta did not tell them.
    public var minutes: Int?

    /// The facts of boleta `number`.
    public init(
        number: Int64, clientCode: String, workDate: String, technicianUserId: UUID, contactUserId: UUID,
        approverUserId: UUID, serviceDescription: String, patNumber: String?, nature: BoletaNature, amount: String,
        minutes: Int? = nil
    ) {
        self.number = number
        self.clientCode = clientCode
        self.workDate = workDate
        self.technicianUserId = technicianUserId
        self.contactUserId = contactUserId
        self.approverUserId = approverUserId
        self.serviceDescription = serviceDescription
        self.patNumber = patNumber
        self.nature = nature
        self.amount = amount
        self.minutes = minutes
    }
}

/// A billed or contracted boleta was signed by someone other than its approver, who has not decided
/// yet; Mail asks the approver for the decision (R26).
public struct ApprovalRequested: DomainEvent {
    public static let type = "approval.requested"
    public static let version = 1
    public var boleta: ApprovalSubject
    /// The user who signed.
    public var signerUserId: UUID
    public var signedAt: Date

    /// The request of a decision on `boleta`, signed by `signerUserId`.
    public init(boleta: ApprovalSubject, signerUserId: UUID, signedAt: Date) {
        self.boleta = boleta
        self.signerUserId = signerUserId
        self.signedAt = signedAt
    }
}

/// The approver approved a boleta (R25, R27).
public struct ApprovalGranted: DomainEvent {
    public static let type = "approval.granted"
    public static let version = 1
    public var number: Int64
    public var clientCode: String
    public var approverUserId: UUID
    /// What the approver wrote, empty when nothing.
    public var observation: String
    public var decidedAt: Date

    /// The approval of boleta `number`.
    public init(number: Int64, clientCode: String, approverUserId: UUID, observation: String, decidedAt: Date) {
        self.number = number
        self.clientCode = clientCode
        self.approverUserId = approverUserId
        self.observation = observation
        self.decidedAt = decidedAt
    }
}

/// The approver rejected a boleta (R25, R27); a divergence is raised with it (R28).
public struct ApprovalRejected: DomainEvent {
    public static let type = "approval.rejected"
    public static let version = 1
    public var number: Int64
    public var clientCode: String
    public var approverUserId: UUID
    /// What the approver wrote, empty when nothing.
    public var observation: String
    public var decidedAt: Date

    /// The rejection of boleta `number`.
    public init(number: Int64, clientCode: String, approverUserId: UUID, observation: String, decidedAt: Date) {
        self.number = number
        self.clientCode = clientCode
        self.approverUserId = approverUserId
        self.observation = observation
        self.decidedAt = decidedAt
    }
}

/// Vendor support reopened a decision, with a reason, so that the approver decides again.
public struct ApprovalReopened: DomainEvent {
    public static let type = "approval.reopened"
    public static let version = 1
    public var number: Int64
    public var clientCode: String
    public var approverUserId: UUID
    public var reason: String
    /// The support user who reopened it.
    public var reopenedByUserId: UUID
    public var reopenedAt: Date

    /// The reopening of the decision on boleta `number`.
    public init(
        number: Int64, clientCode: String, approverUserId: UUID, reason: String, reopenedByUserId: UUID,
        reopenedAt: Date
    ) {
        self.number = number
        self.clientCode = clientCode
        self.approverUserId = approverUserId
        self.reason = reason
        self.reopenedByUserId = reopenedByUserId
        self.reopenedAt = reopenedAt
    }
}

/// Why a divergence was raised (R28).
public enum DivergenceCause: String, Codable, Sendable, CaseIterable {
    /// The signer said it does not agree with the nature (R21).
    case signerDisagreed
    /// The approver rejected the boleta (R25).
    case approverRejected
}

/// A divergence was raised; Mail tells vendor management (R28).
public struct DivergenceRaised: DomainEvent {
    public static let type = "divergence.raised"
    public static let version = 1
    public var divergenceId: UUID
    public var cause: DivergenceCause
    public var boleta: ApprovalSubject
    /// The signer or approver whose answer raised it.
    public var raisedByUserId: UUID
    /// What the customer wrote, empty when nothing.
    public var observation: String
    public var raisedAt: Date

    /// The divergence `divergenceId` on `boleta`.
    public init(
        divergenceId: UUID, cause: DivergenceCause, boleta: ApprovalSubject, raisedByUserId: UUID,
        observation: String, raisedAt: Date
    ) {
        self.divergenceId = divergenceId
        self.cause = cause
        self.boleta = boleta
        self.raisedByUserId = raisedByUserId
        self.observation = observation
        self.raisedAt = raisedAt
    }
}

/// Vendor management resolved a divergence: the nature is kept or changed (R28). Boleta shows the
/// resolved nature beside the signed content; the billing report uses it.
public struct DivergenceResolved: DomainEvent {
    public static let type = "divergence.resolved"
    public static let version = 1
    public var divergenceId: UUID
    public var number: Int64
    public var clientCode: String
    /// The nature the technician set.
    public var originalNature: BoletaNature
    /// The nature that holds from now on; equal to ``originalNature`` when it was kept.
    public var resolvedNature: BoletaNature
    public var note: String
    public var resolvedByUserId: UUID
    public var resolvedAt: Date

    /// The resolution of divergence `divergenceId` on boleta `number`.
    public init(
        divergenceId: UUID, number: Int64, clientCode: String, originalNature: BoletaNature,
        resolvedNature: BoletaNature, note: String, resolvedByUserId: UUID, resolvedAt: Date
    ) {
        self.divergenceId = divergenceId
        self.number = number
        self.clientCode = clientCode
        self.originalNature = originalNature
        self.resolvedNature = resolvedNature
        self.note = note
        self.resolvedByUserId = resolvedByUserId
        self.resolvedAt = resolvedAt
    }
}

/// An approver has decisions pending on boletas whose work date is two or more days before the
/// period; Mail writes it one e-mail listing them (R32). At most one per approver and period.
public struct ApprovalRemindersDue: DomainEvent {
    public static let type = "approval.reminders.due"
    public static let version = 1

    /// One boleta awaiting the decision.
    public struct Entry: Codable, Sendable, Equatable {
        public var number: Int64
        /// The day of the work, `YYYY-MM-DD`.
        public var workDate: String
        public var technicianName: String
        public var nature: BoletaNature
        public var amount: String
        public var isSigned: Bool
        /// The hours worked, as whole minutes (see ``BoletaFacts/minutes``); `nil` when Boleta did not tell them.
        public var minutes: Int?

        /// An entry for boleta `number`.
        public init(
            number: Int64, workDate: String, technicianName: String, nature: BoletaNature, amount: String,
            isSigned: Bool, minutes: Int? = nil
        ) {
            self.number = number
            self.workDate = workDate
            self.technicianName = technicianName
            self.nature = nature
            self.amount = amount
            self.isSigned = isSigned
            self.minutes = minutes
        }
    }

    /// The approver to remind.
    public var approverUserId: UUID
    public var clientCode: String
    /// The day the reminder is for, `YYYY-MM-DD`.
    public var period: String
    /// The boletas awaiting the decision, oldest first.
    public var boletas: [Entry]

    /// The reminder of `approverUserId` for `period`.
    public init(approverUserId: UUID, clientCode: String, period: String, boletas: [Entry]) {
        self.approverUserId = approverUserId
        self.clientCode = clientCode
        self.period = period
        self.boletas = boletas
    }
}
