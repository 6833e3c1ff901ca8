import Foundation

/// The characters a text field of a request body may hold.
///
/// Single-line text (names, codes, e-mail addresses, titles, numbers of records) holds no control
/// character of C0 (U+0000–U+001F), no DEL (U+007F) and no line or paragraph separator (U+2028,
/// U+2029): such a character would fake a line in an e-mail or a header, or break a mail parser.
/// Multi-line text (observations, histories) may also hold line breaks, LF or CR LF, and nothing
/// else of those.
public enum TextRules {
    /// The message of a single-line field that holds a forbidden character.
    public static let singleLineMessage = "must be a single line without control characters"
    /// The message of a multi-line field that holds a forbidden character.
    public static let multiLineMessage = "must not hold control characters other than line breaks"

    /// Whether `text` is acceptable as single-line text.
    public static func isSingleLine(_ text: String) -> Bool {
        !text.unicodeScalars.contains(where: isForbiddenInLine)
    }

    /// Whether `text` is acceptable as multi-line text: line breaks are LF or CR LF, and no other
    /// forbidden character appears.
    public static func isMultiLine(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() where isForbiddenInLine(scalar) {
            if scalar == "\n" { continue }
            if scalar == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" { continue }
            return false
        }
        return true
    }

    /// The field error of single-line `text` in `field`, or `nil` when it is acceptable.
    public static func singleLineError(_ field: String, _ text: String?) -> HTTPError.FieldError? {
        guard let text, !isSingleLine(text) else { return nil }
        return HTTPError.FieldError(field: field, message: singleLineMessage)
    }

    /// The field error of multi-line `text` in `field`, or `nil` when it is acceptable.
    public static func multiLineError(_ field: String, _ text: String?) -> HTTPError.FieldError? {
        guard let text, !isMultiLine(text) else { return nil }
        return HTTPError.FieldError(field: field, message: multiLineMessage)
    }

    private static func isForbiddenInLine(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}
