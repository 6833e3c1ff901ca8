import Foundation

/// Writes reports as CSV (RFC 4180) that a spreadsheet opens without running anything in it; the
/// services' report exports share it.
public enum ReportCSV {
    /// The characters that make a spreadsheet read a cell as a formula, when the cell starts with one.
    private static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "\n", "\r\n"]

    /// `rows` as CSV text: one line per row, lines ended by CRLF, every field made safe by ``field(_:)``.
    public static func text(_ rows: [[String]]) -> String {
        var text = ""
        for row in rows {
            text += row.map(field).joined(separator: ",")
            text += "\r\n"
        }
        return text
    }

    /// `value` as one CSV field: a value a spreadsheet would run as a formula starts with a single
    /// quote, and a field holding a comma, a quote or a line break is quoted, its quotes doubled.
    public static func field(_ value: String) -> String {
        var value = value
        if let first = value.first, formulaStarts.contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
