import Foundation
import Shared

/// The text formats of Approval's answers: money, hours, dates, timestamps.
enum ApprovalFormats {
    /// An amount of money with exactly two decimals, such as `277.70`; exact, never through `Double`.
    static func money(_ value: Decimal) -> String {
        var input = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, 2, .plain)
        let cents = NSDecimalNumber(decimal: rounded * 100).int64Value
        let sign = cents < 0 ? "-" : ""
        let remainder = abs(cents) % 100
        return sign + String(abs(cents) / 100) + "." + (remainder < 10 ? "0" : "") + String(remainder)
    }

    /// The most minutes one boleta holds: its time entries lie within its work day.
    static let minutesPerDay = 24 * 60

    /// Whole minutes as hours and minutes, `H:MM`: `2:30` for 150, `0:07` for 7; totals may pass 24 hours
    /// (`1234:05`). Exact, where decimal hours would not be (7 minutes are 0.11666… hours).
    static func hours(_ minutes: Int) -> String {
        let sign = minutes < 0 ? "-" : ""
        let remainder = abs(minutes) % 60
        return sign + String(abs(minutes) / 60) + ":" + (remainder < 10 ? "0" : "") + String(remainder)
    }

    /// A timestamp as ISO 8601 in UTC with milliseconds, as the events write them.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

/// Reads a query string, collecting every value that is not acceptable to answer them in one 422.
struct QueryReader {
    static let defaultLimit = 100
    static let maxLimit = 500

    let parameters: Parameters
    private(set) var errors: [HTTPError.FieldError] = []

    init(_ parameters: Parameters) {
        self.parameters = parameters
    }

    /// The value of `name`, `nil` when absent or empty.
    func text(_ name: String) -> String? {
        parameters[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The value of `name` when it is one of `allowed`.
    mutating func choice(_ name: String, _ allowed: [String]) -> String? {
        guard let value = text(name) else { return nil }
        guard allowed.contains(value) else {
            add(name, "must be one of \(allowed.joined(separator: ", "))")
            return nil
        }
        return value
    }

    /// The day in `name`, `YYYY-MM-DD`.
    mutating func date(_ name: String) -> PostgresDate? {
        guard let value = text(name) else { return nil }
        guard let date = PostgresDate(iso: value) else {
            add(name, "must be a date as YYYY-MM-DD")
            return nil
        }
        return date
    }

    /// `from` and `to`, the second not before the first.
    mutating func period() -> (from: PostgresDate?, to: PostgresDate?) {
        let from = date("from")
        let to = date("to")
        if let from, let to, to < from { add("to", "must not be before from") }
        return (from, to)
    }

    /// `limit` and `offset` of a page.
    mutating func page() -> (limit: Int, offset: Int) {
        (
            number("limit", default: Self.defaultLimit, range: 1...Self.maxLimit),
            number("offset", default: 0, range: 0...Int(Int32.max))
        )
    }

    private mutating func number(_ name: String, default fallback: Int, range: ClosedRange<Int>) -> Int {
        guard let value = text(name) else { return fallback }
        guard let parsed = Int(value), range.contains(parsed) else {
            add(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            return fallback
        }
        return parsed
    }

    /// Records that `field` is not acceptable.
    mutating func add(_ field: String, _ message: String) {
        errors.append(HTTPError.FieldError(field: field, message: message))
    }

    /// Throws the 422 naming every parameter recorded, if any.
    func check() throws(HTTPError) {
        if !errors.isEmpty { throw HTTPError.invalid(errors) }
    }
}

/// Builds the WHERE clause of a query and its parameters together, so that every value is bound.
struct SQLConditions {
    private(set) var conditions: [String] = []
    private(set) var parameters: [(any PostgresEncodable)?] = []

    /// Binds `value` and returns its placeholder.
    mutating func bind(_ value: any PostgresEncodable) -> String {
        parameters.append(value)
        return "$\(parameters.count)"
    }

    /// Adds a condition.
    mutating func add(_ condition: String) {
        conditions.append(condition)
    }

    /// The conditions joined by AND, `true` when there is none.
    var clause: String { conditions.isEmpty ? "true" : conditions.joined(separator: " AND ") }
}
