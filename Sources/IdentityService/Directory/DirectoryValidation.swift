import Foundation
import Shared

/// Collects the field errors of one request body, so that a 422 names every bad field at once.
struct FieldValidator {
    private(set) var errors: [HTTPError.FieldError] = []

    /// Records that `field` is wrong, saying why.
    mutating func reject(_ field: String, _ message: String) {
        errors.append(HTTPError.FieldError(field: field, message: message))
    }

    /// The trimmed `value`, or `nil` after recording an error when it is missing, too long or not a
    /// single line (``TextRules``).
    mutating func required(_ field: String, _ value: String?, maxLength: Int) -> String? {
        guard singleLine(field, value) else { return nil }
        guard let text = value?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            reject(field, "is required")
            return nil
        }
        return limited(field, text, maxLength: maxLength)
    }

    /// The trimmed `value`, `nil` when absent or blank; records an error when it is too long or not
    /// a single line (``TextRules``).
    mutating func optional(_ field: String, _ value: String?, maxLength: Int) -> String? {
        guard singleLine(field, value) else { return nil }
        guard let text = value?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return limited(field, text, maxLength: maxLength)
    }

    /// `text` if it matches `pattern` (a whole match); records `message` otherwise.
    mutating func matching(
        _ field: String, _ text: String?, _ pattern: Regex<Substring>, _ message: String
    )
        -> String?
    {
        guard let text, singleLine(field, text) else { return nil }
        guard text.wholeMatch(of: pattern) != nil else {
            reject(field, message)
            return nil
        }
        return text
    }

    /// An e-mail address of a plausible shape; deliverability is the mail server's business.
    mutating func email(_ field: String, _ value: String?) -> String? {
        matching(
            field, required(field, value, maxLength: 254), /[^@\s]+@[^@\s]+\.[^@\s]+/,
            "must be an e-mail address such as ana@example.com")
    }

    /// A calendar date written `YYYY-MM-DD`.
    mutating func date(_ field: String, _ value: String?) -> PostgresDate? {
        guard let value else { return nil }
        guard let date = Self.parseDate(value) else {
            reject(field, "must be a date written YYYY-MM-DD")
            return nil
        }
        return date
    }

    /// A time zone of the IANA database, such as `America/Sao_Paulo`.
    mutating func timeZone(_ field: String, _ value: String?) -> String? {
        guard let value, singleLine(field, value) else { return nil }
        guard TimeZone(identifier: value) != nil, value.contains("/") || value == "UTC" else {
            reject(field, "must be an IANA time zone such as America/Sao_Paulo")
            return nil
        }
        return value
    }

    /// Whether `value`, checked before trimming, is absent or a single line; records an error otherwise.
    mutating func singleLine(_ field: String, _ value: String?) -> Bool {
        guard let error = TextRules.singleLineError(field, value) else { return true }
        errors.append(error)
        return false
    }

    /// Throws the 422 naming every recorded field, if any.
    func check() throws(HTTPError) {
        if !errors.isEmpty { throw HTTPError.invalid(errors) }
    }

    private mutating func limited(_ field: String, _ text: String, maxLength: Int) -> String? {
        guard text.count <= maxLength else {
            reject(field, "must have at most \(maxLength) characters")
            return nil
        }
        return text
    }

    /// The date `text` names when it is `YYYY-MM-DD` and exists in the calendar.
    static func parseDate(_ text: String) -> PostgresDate? {
        guard let match = text.wholeMatch(of: /(\d{4})-(\d{2})-(\d{2})/),
            let year = Int(match.1), let month = Int(match.2), let day = Int(match.3)
        else { return nil }
        let components = DateComponents(
            calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"), year: year,
            month: month, day: day)
        return components.isValidDate ? PostgresDate(year: year, month: month, day: day) : nil
    }
}

/// The patterns of codes.
enum DirectoryPatterns {
    /// A client or staff code: upper-case letters and digits (`ABS`, `D51591`).
    static var code: Regex<Substring> { /[A-Z0-9]{1,20}/ }
    /// A user's code within its client (`001`).
    static var userCode: Regex<Substring> { /[A-Za-z0-9]{1,20}/ }
    /// A telephone number: digits with the usual separators.
    static var phone: Regex<Substring> { /\+?[0-9 ()\-.]{6,30}/ }
}

extension Request {
    /// The path's `{id}` as a user id; 404 when it is not a UUID, as for a user that does not exist.
    func userID() throws(HTTPError) -> UUID {
        guard let id = UUID(uuidString: try pathParameter("id")) else { throw HTTPError.notFound("No such user.") }
        return id
    }
}
