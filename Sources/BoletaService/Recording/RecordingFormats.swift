import Foundation
import Shared

/// The text formats of dates, times and money in Boleta's requests, answers and content hashes.
enum RecordingFormats {
    /// `YYYY-MM-DD` as a date, or `nil` when it is not a real day.
    static func date(_ text: String) -> PostgresDate? {
        PostgresDate(iso: text)
    }

    /// `HH:MM` as minutes since midnight, or `nil` when it is not a time of day.
    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
            let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0...23).contains(hours), (0...59).contains(minutes)
        else { return nil }
        return hours * 60 + minutes
    }

    /// Minutes since midnight as `HH:MM`.
    static func time(_ minutes: Int) -> String {
        pad(minutes / 60) + ":" + pad(minutes % 60)
    }

    /// An amount of money with exactly two decimals, such as `277.70`.
    static func money(_ value: Decimal) -> String {
        let cents = NSDecimalNumber(decimal: roundedToCent(value) * 100).int64Value
        let sign = cents < 0 ? "-" : ""
        return sign + String(abs(cents) / 100) + "." + pad(Int(abs(cents) % 100))
    }

    /// `value` rounded to the cent, half away from zero ("half-up"): 277.7625 is 277.76, 0.125 is 0.13.
    static func roundedToCent(_ value: Decimal) -> Decimal {
        var input = value
        var result = Decimal()
        NSDecimalRound(&result, &input, 2, .plain)
        return result
    }

    /// Whether `value` has no more than two decimals.
    static func hasAtMostTwoDecimals(_ value: Decimal) -> Bool {
        roundedToCent(value) == value
    }

    /// A decimal written with digits and at most one point, such as `123.45`; `nil` otherwise.
    static func decimal(_ text: String) -> Decimal? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digitsAndPoint = trimmed.filter { $0 != "." }
        guard !digitsAndPoint.isEmpty, digitsAndPoint.allSatisfy({ $0.isASCII && $0.isNumber }),
            trimmed.filter({ $0 == "." }).count <= 1, !trimmed.hasPrefix("."), !trimmed.hasSuffix(".")
        else { return nil }
        return Decimal(string: trimmed, locale: Locale(identifier: "en_US_POSIX"))
    }

    private static func pad(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}

/// A decimal amount in a request body, given as a JSON string (`"123.45"`) or number (`123.45`).
///
/// A number is read from its JSON text, never through `Double`, so that it stays exact.
struct DecimalText: Decodable, Sendable {
    /// The text as given, for the error message.
    var text: String
    /// The value, or `nil` when the text is not a decimal.
    var value: Decimal?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self.text = text
        } else {
            // The decoder reads a JSON number into Decimal from its digits.
            let number = try container.decode(Decimal.self)
            self.text = number.description
        }
        value = RecordingFormats.decimal(text)
    }
}

/// Collects the field errors of one request, to answer them all at once with a 422.
struct FieldErrors {
    private(set) var errors: [HTTPError.FieldError] = []

    /// Adds that `field` is not acceptable, and why.
    mutating func add(_ field: String, _ message: String) {
        errors.append(HTTPError.FieldError(field: field, message: message))
    }

    /// The value of required text `field`, trimmed; records an error when it is missing, empty, too
    /// long, or holds a character ``TextRules`` refuses in single-line text (or, when `multiLine`, in
    /// multi-line text).
    mutating func required(
        _ value: String?, _ field: String, maxLength: Int = 200, multiLine: Bool = false
    ) -> String? {
        guard lines(value, field, multiLine: multiLine) else { return nil }
        guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            add(field, "is required")
            return nil
        }
        guard value.count <= maxLength else {
            add(field, "is longer than \(maxLength) characters")
            return nil
        }
        return value
    }

    /// The date in required `field`; records an error when it is missing or not `YYYY-MM-DD`.
    mutating func date(_ value: String?, _ field: String) -> PostgresDate? {
        guard let value else {
            add(field, "is required")
            return nil
        }
        guard let date = RecordingFormats.date(value) else {
            add(field, "must be a date as YYYY-MM-DD")
            return nil
        }
        return date
    }

    /// Whether `value`, before trimming, is absent or holds only characters ``TextRules`` allows in
    /// single-line (or multi-line) text; records an error otherwise.
    mutating func lines(_ value: String?, _ field: String, multiLine: Bool = false) -> Bool {
        let error = multiLine ? TextRules.multiLineError(field, value) : TextRules.singleLineError(field, value)
        guard let error else { return true }
        errors.append(error)
        return false
    }

    /// Throws the 422 naming every field recorded, if any.
    func check() throws(HTTPError) {
        if !errors.isEmpty { throw HTTPError.invalid(errors) }
    }
}
