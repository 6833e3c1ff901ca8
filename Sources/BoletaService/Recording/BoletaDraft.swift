import Foundation
import Shared

/// The overtime of a time entry, and the multiplier it puts on the hourly rate (R17).
enum Overtime: String, Codable, Sendable, CaseIterable {
    case none
    case fifty
    case hundred

    /// 1, 1.5 or 2.
    var multiplier: Decimal {
        switch self {
        case .none: 1
        case .fifty: Decimal(string: "1.5")!
        case .hundred: 2
        }
    }
}

/// One time entry of a boleta (R16), its times as minutes since midnight.
struct TimeEntry: Sendable, Equatable {
    var start: Int
    var end: Int
    var patNumber: String?
    var history: String
    var overtime: Overtime
}

/// The body of `POST /boletas` and `PATCH /boletas/{number}`: every field optional, so that each
/// missing or bad one is named in the 422 rather than refused as a malformed body.
struct BoletaBody: Decodable, Sendable {
    struct Entry: Decodable, Sendable {
        var start: String?
        var end: String?
        var patNumber: String?
        var history: String?
        var overtime: String?
    }

    var clientCode: String?
    var workDate: String?
    var contractId: String?
    var serviceCode: String?
    var contactUserId: String?
    var approverUserId: String?
    var patNumber: String?
    var nature: String?
    var observations: String?
    var replacesNumber: Int64?
    var entries: [Entry]?
}

/// A boleta's content as the technician gives it, checked, with the rate of its service that day.
struct BoletaDraft: Sendable {
    var clientCode: String
    var workDate: PostgresDate
    var contractID: UUID
    var serviceCode: String
    var serviceDescription: String = ""
    var contactUserID: UUID
    var approverUserID: UUID
    var patNumber: String?
    var nature: BoletaNature
    var observations: String
    var replacesNumber: Int64?
    var entries: [TimeEntry]
    var hourlyRate: Decimal = 0

    /// R17: Σ minutes × rate × multiplier ÷ 60, in exact decimal, rounded once to the cent, half-up.
    ///
    /// Rounding the total rather than each entry keeps the sum of the parts from drifting.
    static func amount(of entries: [TimeEntry], hourlyRate: Decimal) -> Decimal {
        var total = Decimal(0)
        for entry in entries {
            total += Decimal(entry.end - entry.start) * hourlyRate * entry.overtime.multiplier
        }
        return RecordingFormats.roundedToCent(total / 60)
    }

    /// The amount of this boleta.
    var amount: Decimal { Self.amount(of: entries, hourlyRate: hourlyRate) }

    /// The hours worked, as whole minutes: Σ (end − start) over the entries, the time ``amount(of:hourlyRate:)``
    /// multiplies by the rate, without the overtime multiplier.
    var minutes: Int { entries.reduce(0) { $0 + $1.end - $1.start } }

    /// Checks what can be checked without the database; the rest is ``BoletaService/checkReferences(_:on:)``.
    init(_ body: BoletaBody) throws(HTTPError) {
        var errors = FieldErrors()
        let clientCode = errors.required(body.clientCode, "clientCode", maxLength: 40)
        let workDate = errors.date(body.workDate, "workDate")
        let contractID = Self.uuid(body.contractId, "contractId", &errors)
        let serviceCode = errors.required(body.serviceCode, "serviceCode", maxLength: 40)
        let contactUserID = Self.uuid(body.contactUserId, "contactUserId", &errors)
        let approverUserID = Self.uuid(body.approverUserId, "approverUserId", &errors)
        let patNumber = Self.optionalText(body.patNumber, "patNumber", &errors)
        var nature: BoletaNature?
        if let text = body.nature {
            nature = BoletaNature(rawValue: text)
            if nature == nil { errors.add("nature", "must be billed, notBilled or contracted") }
        } else {
            errors.add("nature", "is required")
        }
        let observations = body.observations?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        _ = errors.lines(body.observations, "observations", multiLine: true)
        if observations.count > 4000 { errors.add("observations", "is longer than 4000 characters") }
        if let replaces = body.replacesNumber, replaces <= 0 { errors.add("replacesNumber", "must be a boleta number") }
        let entries = Self.entries(body.entries, &errors)
        try errors.check()
        self.clientCode = clientCode!
        self.workDate = workDate!
        self.contractID = contractID!
        self.serviceCode = serviceCode!
        self.contactUserID = contactUserID!
        self.approverUserID = approverUserID!
        self.patNumber = patNumber
        self.nature = nature!
        self.observations = observations
        self.replacesNumber = body.replacesNumber
        self.entries = entries
    }

    private static func uuid(_ text: String?, _ field: String, _ errors: inout FieldErrors) -> UUID? {
        guard let text else {
            errors.add(field, "is required")
            return nil
        }
        guard let id = UUID(uuidString: text) else {
            errors.add(field, "must be a UUID")
            return nil
        }
        return id
    }

    private static func optionalText(_ text: String?, _ field: String, _ errors: inout FieldErrors) -> String? {
        guard errors.lines(text, field) else { return nil }
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if text.count > 40 { errors.add(field, "is longer than 40 characters") }
        return text
    }

    /// The entries, each checked, and checked not to overlap one another.
    private static func entries(_ given: [BoletaBody.Entry]?, _ errors: inout FieldErrors) -> [TimeEntry] {
        guard let given, !given.isEmpty else {
            errors.add("entries", "must have at least one time entry")
            return []
        }
        var entries: [(index: Int, entry: TimeEntry)] = []
        for (index, body) in given.enumerated() {
            let path = "entries[\(index)]"
            let start = time(body.start, path + ".start", &errors)
            let end = time(body.end, path + ".end", &errors)
            if let start, let end, end <= start { errors.add(path + ".end", "must be after start") }
            let history = errors.required(body.history, path + ".history", maxLength: 4000, multiLine: true)
            var overtime: Overtime?
            if let text = body.overtime {
                overtime = Overtime(rawValue: text)
                if overtime == nil { errors.add(path + ".overtime", "must be none, fifty or hundred") }
            } else {
                errors.add(path + ".overtime", "is required")
            }
            let patNumber = optionalText(body.patNumber, path + ".patNumber", &errors)
            if let start, let end, end > start, let history, let overtime {
                let entry = TimeEntry(
                    start: start, end: end, patNumber: patNumber, history: history, overtime: overtime)
                entries.append((index, entry))
            }
        }
        let sorted = entries.sorted { ($0.entry.start, $0.index) < ($1.entry.start, $1.index) }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where next.entry.start < previous.entry.end {
            errors.add("entries[\(next.index)].start", "overlaps entries[\(previous.index)]")
        }
        return entries.map(\.entry)
    }

    private static func time(_ text: String?, _ field: String, _ errors: inout FieldErrors) -> Int? {
        guard let text else {
            errors.add(field, "is required")
            return nil
        }
        guard let minutes = RecordingFormats.minutes(text) else {
            errors.add(field, "must be a time as HH:MM")
            return nil
        }
        return minutes
    }
}
