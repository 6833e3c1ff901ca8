import CPostgreSQL
import Foundation

/// Owns a `PGresult` and clears it when the last row referring to it is gone.
///
/// `@unchecked Sendable`: a `PGresult` is never changed after libpq made it, and libpq documents
/// that reading a result from several threads is safe.
final class PostgresResult: @unchecked Sendable {
    let handle: OpaquePointer
    let rowCount: Int
    let columnCount: Int

    init(_ handle: OpaquePointer) {
        self.handle = handle
        self.rowCount = Int(PQntuples(handle))
        self.columnCount = Int(PQnfields(handle))
    }

    deinit { PQclear(handle) }
}

/// The rows a statement returned: a random-access collection of ``PostgresRow``.
///
/// Rows read straight from libpq's result, so iterating copies nothing until a column is decoded.
public struct PostgresRows: RandomAccessCollection, Sendable {
    let result: PostgresResult

    init(result: PostgresResult) { self.result = result }

    public var startIndex: Int { 0 }
    public var endIndex: Int { result.rowCount }

    public subscript(position: Int) -> PostgresRow {
        precondition(position >= 0 && position < result.rowCount, "row index out of range")
        return PostgresRow(result: result, index: Int32(position))
    }

    /// The names of the columns, in order.
    public var columnNames: [String] {
        (0..<result.columnCount).map { String(cString: PQfname(result.handle, Int32($0))) }
    }

    /// The number of rows a command changed (`INSERT`, `UPDATE`, `DELETE`), or 0 for other commands.
    public var affectedRowCount: Int {
        guard let text = PQcmdTuples(result.handle) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }
}

/// One row of a result; read its columns by name or index with a type.
public struct PostgresRow: Sendable {
    let result: PostgresResult
    let index: Int32

    /// Reads column `column` as `type`; a `T?` type reads NULL as `nil`.
    ///
    /// - Throws: ``PostgresError`` with code `decodingFailed` naming the column when there is no such
    ///   column, when it is NULL and `T` is not optional, or when its text is not a `T`.
    public func decode<T: PostgresDecodable>(_ type: T.Type, _ column: String) throws -> T {
        let position = column.withCString { PQfnumber(result.handle, $0) }
        guard position >= 0 else {
            throw PostgresError(.decodingFailed, "The result has no column named \(column).", column: column)
        }
        return try decode(type, position: position, name: column)
    }

    /// Reads the column at `index` (from 0) as `type`; a `T?` type reads NULL as `nil`.
    public func decode<T: PostgresDecodable>(_ type: T.Type, at index: Int) throws -> T {
        guard index >= 0, index < result.columnCount else {
            throw PostgresError(
                .decodingFailed, "The result has no column \(index).", column: String(index))
        }
        let position = Int32(index)
        return try decode(type, position: position, name: String(cString: PQfname(result.handle, position)))
    }

    /// Reads column `column` as `type`: `row["amount", as: Decimal.self]`.
    public subscript<T: PostgresDecodable>(column: String, as type: T.Type) -> T {
        get throws { try decode(type, column) }
    }

    /// Reads the column at `index` as `type`: `row[0, as: Int.self]`.
    public subscript<T: PostgresDecodable>(index: Int, as type: T.Type) -> T {
        get throws { try decode(type, at: index) }
    }

    /// Whether the column `column` is SQL NULL.
    public func isNull(_ column: String) -> Bool {
        let position = column.withCString { PQfnumber(result.handle, $0) }
        return position < 0 || PQgetisnull(result.handle, index, position) == 1
    }

    private func decode<T: PostgresDecodable>(
        _ type: T.Type, position: Int32, name: @autoclosure () -> String
    )
        throws -> T
    {
        let handle = result.handle
        if PQgetisnull(handle, index, position) == 1 {
            if let value = T.decodeNull() { return value }
            let column = name()
            throw PostgresError(
                .decodingFailed, "Column \(column) is NULL where a \(T.self) is required.", column: column)
        }
        let length = Int(PQgetlength(handle, index, position))
        let start = UnsafeRawPointer(PQgetvalue(handle, index, position)!).assumingMemoryBound(to: UInt8.self)
        let bytes = UnsafeBufferPointer(start: start, count: length)
        if let value = T.decode(postgresText: bytes, type: PQftype(handle, position)) { return value }
        let column = name()
        let preview = String(decoding: bytes.prefix(40), as: UTF8.self)
        throw PostgresError(
            .decodingFailed, "Column \(column) holds \"\(preview)\", which is not a \(T.self).", column: column)
    }
}

extension Array: PostgresDecodable where Element: PostgresDecodable & PostgresArrayElement {
    /// Reads a one-dimensional array literal (`{a,"b c",NULL}`); `[UInt8]` reads `bytea` instead.
    ///
    /// A NULL element makes the text unreadable unless the element type is optional.
    public static func decode(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) -> [Element]? {
        if Element.self == UInt8.self {
            guard type == PostgresOID.bytea else { return [UInt8](bytes) as? [Element] }
            return unescapeBytea(bytes) { [UInt8]($0) } as? [Element]
        }
        guard let elements = parseArrayLiteral(bytes) else { return nil }
        var values: [Element] = []
        values.reserveCapacity(elements.count)
        for element in elements {
            guard var text = element else { return nil }
            text.append(0)
            let value = text.withUnsafeBufferPointer { buffer in
                Element.decode(
                    postgresText: UnsafeBufferPointer(rebasing: buffer.dropLast()), type: PostgresOID.unknown)
            }
            guard let value else { return nil }
            values.append(value)
        }
        return values
    }
}

/// Splits a one-dimensional array literal into its elements' text, `nil` for an unquoted NULL.
func parseArrayLiteral(_ bytes: UnsafeBufferPointer<UInt8>) -> [[UInt8]?]? {
    guard bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else { return nil }
    var elements: [[UInt8]?] = []
    var index = 1
    let end = bytes.count - 1
    if index == end { return [] }
    while index <= end {
        var text: [UInt8] = []
        var wasQuoted = false
        if bytes[index] == UInt8(ascii: "\"") {
            wasQuoted = true
            index += 1
            while index < end, bytes[index] != UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                guard index < end else { return nil }
                text.append(bytes[index])
                index += 1
            }
            guard index < end else { return nil }
            index += 1  // the closing quote
        } else {
            while index < end, bytes[index] != UInt8(ascii: ",") {
                // A nested array is not supported: callers read one dimension.
                guard bytes[index] != UInt8(ascii: "{") else { return nil }
                text.append(bytes[index])
                index += 1
            }
        }
        let isNull = !wasQuoted && text.elementsEqual("NULL".utf8)
        elements.append(isNull ? nil : text)
        guard index == end || bytes[index] == UInt8(ascii: ",") else { return nil }
        index += 1
    }
    return elements
}
