import Foundation
import Shared

/// The filters, order and page of the service report (R29).
struct ServiceReportQuery: Sendable {
    static let defaultLimit = 100
    static let maxLimit = 500
    static let statuses: Set<String> = ["unsigned", "signed", "cancelled"]
    /// The approver's decision a boleta awaits or holds: `pending` is a billed or contracted boleta (by
    /// the nature that holds) without a decision.
    static let decisions: Set<String> = ["pending", "approved", "rejected"]

    var from: PostgresDate?
    var to: PostgresDate?
    var status: String?
    var decision: String?
    var patNumber: String?
    var technician: UUID?
    var clientCode: String?
    var ascending: Bool
    var limit: Int
    var offset: Int

    /// Reads the query string; every value that is not acceptable answers one 422 naming its parameter.
    init(_ parameters: Parameters) throws(HTTPError) {
        var errors = FieldErrors()
        func text(_ name: String) -> String? {
            parameters[name].flatMap { $0.isEmpty ? nil : $0 }
        }
        func date(_ name: String) -> PostgresDate? {
            guard let value = text(name) else { return nil }
            guard let date = RecordingFormats.date(value) else {
                errors.add(name, "must be a date as YYYY-MM-DD")
                return nil
            }
            return date
        }
        func number(_ name: String, default fallback: Int, range: ClosedRange<Int>) -> Int {
            guard let value = text(name) else { return fallback }
            guard let parsed = Int(value), range.contains(parsed) else {
                errors.add(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
                return fallback
            }
            return parsed
        }
        from = date("from")
        to = date("to")
        if let from, let to, to < from { errors.add("to", "must not be before from") }
        status = text("status")
        if let status, !Self.statuses.contains(status) {
            errors.add("status", "must be one of unsigned, signed, cancelled")
        }
        decision = text("decision")
        if let decision, !Self.decisions.contains(decision) {
            errors.add("decision", "must be one of pending, approved, rejected")
        }
        patNumber = text("patNumber")
        technician = nil
        if let value = text("technician") {
            technician = UUID(uuidString: value)
            if technician == nil { errors.add("technician", "must be a user id") }
        }
        clientCode = text("clientCode")
        switch text("sort") {
        case nil, "desc": ascending = false
        case "asc": ascending = true
        default:
            ascending = false
            errors.add("sort", "must be asc or desc")
        }
        limit = number("limit", default: Self.defaultLimit, range: 1...Self.maxLimit)
        offset = number("offset", default: 0, range: 0...Int(Int32.max))
        try errors.check()
    }
}
