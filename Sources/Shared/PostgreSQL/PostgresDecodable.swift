import CPostgreSQL
import Foundation

/// A value that can be read from a column in PostgreSQL's text format.
public protocol PostgresDecodable {
    /// Reads the value from the column's text, or returns `nil` when the text is not of this type.
    ///
    /// - Parameters:
    ///   - bytes: the column's text; a NUL byte follows it in memory.
    ///   - type: the column's type OID, for types whose text differs by column type (`bytea`).
    static func decode(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) -> Self?

    /// What SQL NULL reads as, or `nil` when this type does not accept NULL (only `Optional` does).
    static func decodeNull() -> Self?
}

extension PostgresDecodable {
    public static func decodeNull() -> Self? { nil }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) -> Wrapped?? {
        Wrapped.decode(postgresText: bytes, type: type).map { .some($0) }
    }

    public static func decodeNull() -> Wrapped?? { .some(.none) }
}

extension String: PostgresDecodable {
    /// Any column reads as its text: `jsonb`, `numeric`, an enum.
    public static func decode(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) -> String? {
        String(decoding: bytes, as: UTF8.self)
    }
}

/// Reads a decimal integer with an optional sign, refusing overflow and any other character.
func parseInteger<T: FixedWidthInteger>(_ bytes: UnsafeBufferPointer<UInt8>, as: T.Type) -> T? {
    guard !bytes.isEmpty else { return nil }
    var index = 0
    let isNegative = bytes[0] == UInt8(ascii: "-")
    if isNegative || bytes[0] == UInt8(ascii: "+") { index = 1 }
    guard index < bytes.count else { return nil }
    var value: T = 0
    while index < bytes.count {
        let digit = bytes[index] &- UInt8(ascii: "0")
        guard digit < 10 else { return nil }
        let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
        let (next, overflowB) =
            isNegative ? shifted.subtractingReportingOverflow(T(digit)) : shifted.addingReportingOverflow(T(digit))
        guard !overflowA, !overflowB else { return nil }
        value = next
        index += 1
    }
    return value
}

extension Int: PostgresDecodable {
    public static func decode(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) -> Int? {
        parseInteger(bytes, as: Int.self)
    }
}

extension Int64: PostgresDecodable {
    public static func decode(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) -> Int64? {
        parseInteger(bytes, as: Int64.self)
    }
}

extension Int32: PostgresDecodable {
    public static func decode(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) -> Int32? {
        parseInteger(bytes, as: Int32.self)
    }
}

extension Int16: PostgresDecodable {
    public static func decode(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) -> Int16? {
        parseInteger(bytes, as: Int16.self)
    }
}

extension Bool: PostgresDecodable {
    public static func decode(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) -> Bool? {
        guard bytes.count == 1 else { return nil }
        switch bytes[0] {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: return nil
        }
    }
}

extension Double: PostgresDecodable {
    public static func decode(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) -> Double? {
        guard let start = bytes.baseAddress, !bytes.isEmpty else { return nil }
        // strtod reads `Infinity` and `NaN` as the server writes them; the NUL after the text ends it.
        let (value, consumed) = start.withMemoryRebound(to: CChar.self, capacity: bytes.count + 1) { text in
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(text, &end)
            return (value, end.map { UnsafePointer($0) - text } ?? -1)
        }
        return consumed == bytes.count ? value : nil
    }
}

extension Decimal: PostgresDecodable {
    /// Reads `numeric` text exactly (no detour through binary floating point).
    public static func decode(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) -> Decimal? {
        let text = String(decoding: bytes, as: UTF8.self)
        if text == "NaN" { return .nan }
        // Decimal(string:) stops at the first character it does not know; accept only a whole number.
        let isNumeric = text.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "e")
                || byte == UInt8(ascii: "E")
        }
        guard isNumeric else { return nil }
        return Decimal(string: text)
    }
}

extension UUID: PostgresDecodable {
    public static func decode(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) -> UUID? {
        UUID(uuidString: String(decoding: bytes, as: UTF8.self))
    }
}

extension Data: PostgresDecodable {
    /// Unescapes a `bytea` column; any other column (`jsonb`, `text`) reads as its UTF-8 text.
    public static func decode(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) -> Data? {
        guard type == PostgresOID.bytea else { return Data(buffer: bytes) }
        return unescapeBytea(bytes) { Data(buffer: $0) }
    }
}

/// Unescapes `bytea` text with libpq, which reads both the hex and the old escape form.
func unescapeBytea<T>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T? {
    guard let start = bytes.baseAddress else { return nil }
    var length = 0
    guard let raw = PQunescapeBytea(start, &length) else { return nil }
    defer { PQfreemem(raw) }
    return body(UnsafeBufferPointer(start: raw, count: length))
}

extension PostgresDate: PostgresDecodable {
    /// Reads `YYYY-MM-DD`, the ISO form the connection asks the server for.
    public static func decode(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) -> PostgresDate? {
        var cursor = TextCursor(bytes)
        guard let year = cursor.number(), cursor.skip("-"), let month = cursor.number(), cursor.skip("-"),
            let day = cursor.number(), cursor.isAtEnd
        else { return nil }
        return PostgresDate(year: year, month: month, day: day)
    }
}

extension Date: PostgresDecodable {
    /// Reads `timestamptz` (or `timestamp`, taken as UTC) in the ISO form.
    ///
    /// The form is `2026-12-04 14:38:54[.123456][+00[:00[:00]]][ BC]`, as the server writes it under
    /// `DateStyle=ISO`; the offset is honoured whatever `TimeZone` the session has.
    public static func decode(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) -> Date? {
        if bytes.elementsEqual("infinity".utf8) { return .distantFuture }
        if bytes.elementsEqual("-infinity".utf8) { return .distantPast }
        var cursor = TextCursor(bytes)
        guard var year = cursor.number(), cursor.skip("-"), let month = cursor.number(), cursor.skip("-"),
            let day = cursor.number(), cursor.skip(" ") || cursor.skip("T"), let hour = cursor.number(),
            cursor.skip(":"), let minute = cursor.number(), cursor.skip(":"), let second = cursor.number()
        else { return nil }
        var micros = 0
        if cursor.skip(".") {
            var scale = 100_000
            guard cursor.peekDigit != nil else { return nil }
            while let digit = cursor.peekDigit {
                micros += digit * scale
                scale /= 10
                cursor.advance()
            }
        }
        var offsetSeconds = 0
        if let sign = cursor.peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            cursor.advance()
            guard let hours = cursor.number() else { return nil }
            var offset = hours * 3600
            if cursor.skip(":"), let minutes = cursor.number() { offset += minutes * 60 }
            if cursor.skip(":"), let seconds = cursor.number() { offset += seconds }
            offsetSeconds = sign == UInt8(ascii: "-") ? -offset : offset
        } else if cursor.skip("Z") {
            offsetSeconds = 0
        }
        if cursor.skip(" ") {
            guard cursor.skip("B"), cursor.skip("C") else { return nil }
            year = 1 - year
        }
        guard cursor.isAtEnd else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = Int(timegm(&parts)) - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
    }
}

/// Reads numbers and separators from column text without copying it.
struct TextCursor {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var isAtEnd: Bool { index >= bytes.count }
    var peek: UInt8? { isAtEnd ? nil : bytes[index] }

    var peekDigit: Int? {
        guard let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        return Int(byte - UInt8(ascii: "0"))
    }

    mutating func advance() { index += 1 }

    /// Skips `character` if it comes next.
    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard peek == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    /// Reads one or more decimal digits.
    mutating func number() -> Int? {
        guard var value = peekDigit else { return nil }
        advance()
        var count = 1
        while let digit = peekDigit, count < 9 {
            value = value * 10 + digit
            advance()
            count += 1
        }
        return value
    }
}

extension UInt8: PostgresDecodable {
    /// Reads a small integer; it exists so that `[UInt8]` can read `bytea`.
    public static func decode(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) -> UInt8? {
        parseInteger(bytes, as: UInt8.self)
    }
}
