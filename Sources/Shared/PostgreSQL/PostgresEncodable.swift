import CSodium
import Foundation

/// A value that can be sent as a statement parameter, in PostgreSQL's text format.
///
/// Parameters travel apart from the SQL text (`PQexecParams`), so no value is ever parsed as SQL.
public protocol PostgresEncodable: Sendable {
    /// The type OID the server is told, or 0 to let it infer the type from the statement.
    static var postgresTypeOID: UInt32 { get }
    /// Appends the value's text form (without a terminating NUL) to `buffer`.
    func encode(into buffer: inout [UInt8])
}

/// Type OIDs of the built-in types this layer sends and reads.
enum PostgresOID {
    static let unknown: UInt32 = 0
    static let bool: UInt32 = 16
    static let bytea: UInt32 = 17
    static let int8: UInt32 = 20
    static let int2: UInt32 = 21
    static let int4: UInt32 = 23
    static let text: UInt32 = 25
    static let float4: UInt32 = 700
    static let float8: UInt32 = 701
    static let textArray: UInt32 = 1009
    static let int8Array: UInt32 = 1016
    static let date: UInt32 = 1082
    static let timestamp: UInt32 = 1114
    static let timestamptz: UInt32 = 1184
    static let numeric: UInt32 = 1700
    static let uuid: UInt32 = 2950
    static let uuidArray: UInt32 = 2951
}

extension String: PostgresEncodable {
    /// Unknown rather than `text`, so that a string can stand for a `uuid`, `jsonb` or enum parameter.
    public static var postgresTypeOID: UInt32 { PostgresOID.unknown }
    public func encode(into buffer: inout [UInt8]) { buffer.append(contentsOf: utf8) }
}

extension Int: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresOID.int8 }
    public func encode(into buffer: inout [UInt8]) { buffer.append(contentsOf: String(self).utf8) }
}

extension Int64: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresOID.int8 }
    public func encode(into buffer: inout [UInt8]) { buffer.append(contentsOf: String(self).utf8) }
}

extension Int32: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresOID.int4 }
    public func encode(into buffer: inout [UInt8]) { buffer.append(contentsOf: String(self).utf8) }
}

extension Bool: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresOID.bool }
    public func encode(into buffer: inout [UInt8]) { buffer.append(self ? UInt8(ascii: "t") : UInt8(ascii: "f")) }
}

extension Double: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresOID.float8 }
    public func encode(into buffer: inout [UInt8]) {
        // Swift writes `inf` and `nan`; the server reads `Infinity` and `NaN`.
        let text: String
        if isNaN {
            text = "NaN"
        } else if isInfinite {
            text = self < 0 ? "-Infinity" : "Infinity"
        } else {
            text = String(self)
        }
        buffer.append(contentsOf: text.utf8)
    }
}

extension Decimal: PostgresEncodable {
    /// Sent as `numeric` text, so no digit is lost to binary floating point.
    public static var postgresTypeOID: UInt32 { PostgresOID.numeric }
    public func encode(into buffer: inout [UInt8]) { buffer.append(contentsOf: description.utf8) }
}

extension UUID: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresOID.uuid }
    public func encode(into buffer: inout [UInt8]) { buffer.append(contentsOf: uuidString.utf8) }
}

extension Date: PostgresEncodable {
    /// Sent as `timestamptz` in UTC with microseconds: `2026-12-04 14:38:54.123456+00`.
    public static var postgresTypeOID: UInt32 { PostgresOID.timestamptz }
    public func encode(into buffer: inout [UInt8]) {
        let interval = timeIntervalSince1970
        var seconds = Int(interval.rounded(.down))
        var micros = Int(((interval - Double(seconds)) * 1_000_000).rounded())
        if micros >= 1_000_000 {
            seconds += 1
            micros -= 1_000_000
        }
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        let year = Int(parts.tm_year) + 1900
        let isBeforeChrist = year <= 0
        appendDigits(isBeforeChrist ? 1 - year : year, width: 4, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(Int(parts.tm_mon) + 1, width: 2, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(Int(parts.tm_mday), width: 2, to: &buffer)
        buffer.append(UInt8(ascii: " "))
        appendDigits(Int(parts.tm_hour), width: 2, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        appendDigits(Int(parts.tm_min), width: 2, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        appendDigits(Int(parts.tm_sec), width: 2, to: &buffer)
        buffer.append(UInt8(ascii: "."))
        appendDigits(micros, width: 6, to: &buffer)
        buffer.append(contentsOf: "+00".utf8)
        if isBeforeChrist { buffer.append(contentsOf: " BC".utf8) }
    }
}

/// Appends `value` in decimal, left-padded with zeros to `width` digits.
func appendDigits(_ value: Int, width: Int, to buffer: inout [UInt8]) {
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0
    var rest = value
    withUnsafeMutableBytes(of: &digits) { storage in
        repeat {
            storage[count] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            count += 1
        } while rest > 0 && count < 10
        for _ in count..<max(width, count) { buffer.append(UInt8(ascii: "0")) }
        for index in stride(from: count - 1, through: 0, by: -1) { buffer.append(storage[index]) }
    }
}

extension Data: PostgresEncodable {
    /// Sent as `bytea` in hex form (`\x0a1b`).
    public static var postgresTypeOID: UInt32 { PostgresOID.bytea }
    public func encode(into buffer: inout [UInt8]) { appendByteaHex(self, to: &buffer) }
}

extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public static var postgresTypeOID: UInt32 { Element.postgresArrayTypeOID }

    /// Writes a one-dimensional array literal (`{"a","b \"c\""}`), quoting elements that need it.
    public func encode(into buffer: inout [UInt8]) {
        if Element.self == UInt8.self {
            withUnsafeBytes { appendByteaHex($0, to: &buffer) }
            return
        }
        buffer.append(UInt8(ascii: "{"))
        for (index, element) in enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            element.encodeArrayElement(into: &buffer)
        }
        buffer.append(UInt8(ascii: "}"))
    }
}

/// A value that can be an element of an array parameter; `[UInt8]` is sent as `bytea` instead.
public protocol PostgresArrayElement: Sendable {
    /// The OID of the array type (`text[]`, `int8[]`, `uuid[]`, or `bytea` for bytes).
    static var postgresArrayTypeOID: UInt32 { get }
    /// Appends the element as it appears inside an array literal.
    func encodeArrayElement(into buffer: inout [UInt8])
}

extension String: PostgresArrayElement {
    public static var postgresArrayTypeOID: UInt32 { PostgresOID.textArray }

    /// Always quoted, so that an empty string, `NULL` or a comma stay data.
    public func encodeArrayElement(into buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        for byte in utf8 {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { buffer.append(UInt8(ascii: "\\")) }
            buffer.append(byte)
        }
        buffer.append(UInt8(ascii: "\""))
    }
}

extension Int64: PostgresArrayElement {
    public static var postgresArrayTypeOID: UInt32 { PostgresOID.int8Array }
    public func encodeArrayElement(into buffer: inout [UInt8]) { encode(into: &buffer) }
}

extension Int: PostgresArrayElement {
    public static var postgresArrayTypeOID: UInt32 { PostgresOID.int8Array }
    public func encodeArrayElement(into buffer: inout [UInt8]) { encode(into: &buffer) }
}

extension UUID: PostgresArrayElement {
    public static var postgresArrayTypeOID: UInt32 { PostgresOID.uuidArray }
    public func encodeArrayElement(into buffer: inout [UInt8]) { encode(into: &buffer) }
}

extension UInt8: PostgresArrayElement {
    public static var postgresArrayTypeOID: UInt32 { PostgresOID.bytea }
    public func encodeArrayElement(into buffer: inout [UInt8]) { String(self).encode(into: &buffer) }
}

/// Appends `\x` and the bytes in hex, using libsodium's constant-time encoder.
func appendByteaHex<Bytes: ContiguousBytes>(_ bytes: Bytes, to buffer: inout [UInt8]) {
    bytes.withUnsafeBytes { raw in
        buffer.append(UInt8(ascii: "\\"))
        buffer.append(UInt8(ascii: "x"))
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: raw.count * 2 + 1))
        buffer.withUnsafeMutableBufferPointer { output in
            let target = UnsafeMutableRawPointer(output.baseAddress! + start).assumingMemoryBound(to: CChar.self)
            _ = sodium_bin2hex(
                target, raw.count * 2 + 1, raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count)
        }
        buffer.removeLast()  // the NUL that sodium_bin2hex writes
    }
}

/// A calendar date without time or time zone, as SQL `date` holds it (a work date, say).
public struct PostgresDate: Hashable, Comparable, Sendable, CustomStringConvertible, PostgresEncodable {
    /// The year, such as 2026.
    public var year: Int
    /// The month, from 1 to 12.
    public var month: Int
    /// The day of the month, from 1.
    public var day: Int

    /// Creates a date from its parts; the server rejects a date that does not exist.
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The calendar date that `date` falls on in `timeZone` (São Paulo for a work date, say).
    /// Reads a calendar date written `YYYY-MM-DD`; `nil` when the text is not one, or names no real day.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        var components = DateComponents(year: year, month: month, day: day)
        components.calendar = Calendar(identifier: .gregorian)
        components.timeZone = TimeZone(identifier: "UTC")
        guard components.isValidDate else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public init(_ date: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        self.init(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    /// The ISO form, `2026-12-04`.
    public var description: String {
        var buffer: [UInt8] = []
        encode(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    public static func < (lhs: PostgresDate, rhs: PostgresDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public static var postgresTypeOID: UInt32 { PostgresOID.date }

    public func encode(into buffer: inout [UInt8]) {
        appendDigits(year, width: 4, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(month, width: 2, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(day, width: 2, to: &buffer)
    }
}
