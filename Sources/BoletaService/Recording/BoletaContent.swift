import Foundation
import Shared

/// A boleta as stored: its content, who recorded it, and where it stands.
struct BoletaRecord: Sendable {
    var number: Int64
    var revision: Int
    var status: String
    var draft: BoletaDraft
    var technicianUserID: UUID
    var amount: Decimal
    var contentHash: String
    var cancelReason: String?
    var replacementNumber: Int64?

    /// What Mail and Approval are told of it.
    var facts: BoletaFacts {
        BoletaFacts(
            number: number, revision: revision, workDate: draft.workDate.description, clientCode: draft.clientCode,
            contactUserId: draft.contactUserID, approverUserId: draft.approverUserID,
            technicianUserId: technicianUserID, serviceCode: draft.serviceCode,
            serviceDescription: draft.serviceDescription, patNumber: draft.patNumber, nature: draft.nature,
            amount: RecordingFormats.money(amount), contentHash: contentHash, replacesNumber: draft.replacesNumber,
            minutes: draft.minutes)
    }

    /// The boleta as the endpoints answer it.
    var view: BoletaView {
        BoletaView(
            number: number, revision: revision, status: status, clientCode: draft.clientCode,
            workDate: draft.workDate.description, contractId: draft.contractID, serviceCode: draft.serviceCode,
            serviceDescription: draft.serviceDescription, contactUserId: draft.contactUserID,
            approverUserId: draft.approverUserID, technicianUserId: technicianUserID, patNumber: draft.patNumber,
            nature: draft.nature, observations: draft.observations,
            hourlyRate: RecordingFormats.money(draft.hourlyRate), amount: RecordingFormats.money(amount),
            currency: "BRL", contentHash: contentHash, replacesNumber: draft.replacesNumber,
            cancelReason: cancelReason, replacementNumber: replacementNumber,
            entries: draft.entries.map {
                BoletaView.Entry(
                    start: RecordingFormats.time($0.start), end: RecordingFormats.time($0.end),
                    patNumber: $0.patNumber, history: $0.history, overtime: $0.overtime)
            })
    }
}

/// A boleta in the answers of the boleta endpoints; money as text with two decimals.
struct BoletaView: Codable, Sendable {
    struct Entry: Codable, Sendable {
        var start: String
        var end: String
        var patNumber: String?
        var history: String
        var overtime: Overtime
    }

    var number: Int64
    var revision: Int
    var status: String
    var clientCode: String
    var workDate: String
    var contractId: UUID
    var serviceCode: String
    var serviceDescription: String
    var contactUserId: UUID
    var approverUserId: UUID
    var technicianUserId: UUID
    var patNumber: String?
    var nature: BoletaNature
    var observations: String
    var hourlyRate: String
    var amount: String
    var currency: String
    var contentHash: String
    var replacesNumber: Int64?
    var cancelReason: String?
    var replacementNumber: Int64?
    var entries: [Entry]
    /// The approver's decision and the resolved nature, beside the signed content, which they never change.
    var approval: ApprovalOutcomeView?
}

/// The canonical form of everything the signer sees, whose SHA-256 is the boleta's content hash.
///
/// JSON with sorted keys and fixed formats: dates `YYYY-MM-DD`, times `HH:MM`, ids in lowercase,
/// money with two decimals, absent optional values as `null`; entries in the order given. Any change
/// of what the signer sees changes the hash; nothing else does.
struct CanonicalBoleta: Encodable {
    struct Entry: Encodable {
        var start: String
        var end: String
        var patNumber: String?
        var history: String
        var overtime: String

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(start, forKey: .start)
            try container.encode(end, forKey: .end)
            try container.encode(patNumber, forKey: .patNumber)
            try container.encode(history, forKey: .history)
            try container.encode(overtime, forKey: .overtime)
        }

        private enum CodingKeys: String, CodingKey {
            case start, end, patNumber, history, overtime
        }
    }

    var number: Int64
    var clientCode: String
    var workDate: String
    var contractId: String
    var serviceCode: String
    var serviceDescription: String
    var contactUserId: String
    var approverUserId: String
    var technicianUserId: String
    var patNumber: String?
    var nature: String
    var observations: String
    var hourlyRate: String
    var amount: String
    var replacesNumber: Int64?
    var entries: [Entry]

    init(number: Int64, draft: BoletaDraft, technicianUserID: UUID) {
        self.number = number
        clientCode = draft.clientCode
        workDate = draft.workDate.description
        contractId = draft.contractID.uuidString.lowercased()
        serviceCode = draft.serviceCode
        serviceDescription = draft.serviceDescription
        contactUserId = draft.contactUserID.uuidString.lowercased()
        approverUserId = draft.approverUserID.uuidString.lowercased()
        technicianUserId = technicianUserID.uuidString.lowercased()
        patNumber = draft.patNumber
        nature = draft.nature.rawValue
        observations = draft.observations
        hourlyRate = RecordingFormats.money(draft.hourlyRate)
        amount = RecordingFormats.money(draft.amount)
        replacesNumber = draft.replacesNumber
        entries = draft.entries.map {
            Entry(
                start: RecordingFormats.time($0.start), end: RecordingFormats.time($0.end), patNumber: $0.patNumber,
                history: $0.history, overtime: $0.overtime.rawValue)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(number, forKey: .number)
        try container.encode(clientCode, forKey: .clientCode)
        try container.encode(workDate, forKey: .workDate)
        try container.encode(contractId, forKey: .contractId)
        try container.encode(serviceCode, forKey: .serviceCode)
        try container.encode(serviceDescription, forKey: .serviceDescription)
        try container.encode(contactUserId, forKey: .contactUserId)
        try container.encode(approverUserId, forKey: .approverUserId)
        try container.encode(technicianUserId, forKey: .technicianUserId)
        try container.encode(patNumber, forKey: .patNumber)
        try container.encode(nature, forKey: .nature)
        try container.encode(observations, forKey: .observations)
        try container.encode(hourlyRate, forKey: .hourlyRate)
        try container.encode(amount, forKey: .amount)
        try container.encode(replacesNumber, forKey: .replacesNumber)
        try container.encode(entries, forKey: .entries)
    }

    private enum CodingKeys: String, CodingKey {
        case number, clientCode, workDate, contractId, serviceCode, serviceDescription, contactUserId
        case approverUserId, technicianUserId, patNumber, nature, observations, hourlyRate, amount
        case replacesNumber, entries
    }

    /// The SHA-256 of the canonical JSON, 64 lowercase hexadecimal characters.
    func hash() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Sodium.hexEncode(Sodium.sha256(try encoder.encode(self)))
    }
}
