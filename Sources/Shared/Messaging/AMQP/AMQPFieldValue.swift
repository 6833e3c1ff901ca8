import CRabbitMQ
import Foundation

/// A value in an AMQP field table: queue arguments and message headers.
///
/// Only the kinds RabbitMQ uses in practice are written; every kind can be read, the rarer ones as text.
public enum AMQPFieldValue: Sendable, Hashable {
    /// A UTF-8 string (`S`).
    case string(String)
    /// A whole number; written as a signed 64-bit integer (`l`), read from every integer kind.
    case integer(Int64)
    /// A Boolean (`t`).
    case boolean(Bool)
    /// A floating-point number (`d`; `f` is read into it too).
    case double(Double)
    /// A time in whole seconds (`T`).
    case timestamp(Date)
    /// A byte string (`x`).
    case bytes([UInt8])
    /// A nested table (`F`), such as one entry of the broker's `x-death` header.
    case table([String: AMQPFieldValue])
    /// An array (`A`).
    case array([AMQPFieldValue])
    /// No value (`V`); also what a kind this layer does not know reads as.
    case void

    /// The value as text: strings as they are, numbers and Booleans in their usual spelling, `nil` for tables,
    /// arrays, byte strings and void.
    public var text: String? {
        switch self {
        case .string(let value): value
        case .integer(let value): String(value)
        case .boolean(let value): value ? "true" : "false"
        case .double(let value): String(value)
        case .timestamp(let value): value.formatted(.iso8601)
        case .bytes, .table, .array, .void: nil
        }
    }
}

extension AMQPFieldValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
}

/// Owns the C memory of the strings and tables handed to rabbitmq-c during one call.
///
/// rabbitmq-c keeps only pointers (`amqp_bytes_t`), and a pointer into a Swift string dies with the expression
/// that made it; the arena copies instead and frees everything when ``withArena(_:)`` returns.
final class AMQPArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    private init() {}

    /// Runs `body` with an arena whose memory lives until `body` returns.
    static func withArena<Result>(_ body: (AMQPArena) throws -> Result) rethrows -> Result {
        let arena = AMQPArena()
        defer { arena.freeAll() }
        return try body(arena)
    }

    private func freeAll() {
        for pointer in allocations { free(pointer) }
        allocations.removeAll()
    }

    private func allocate(_ count: Int) -> UnsafeMutableRawPointer {
        guard let pointer = malloc(max(count, 1)) else { fatalError("Out of memory for an AMQP call") }
        allocations.append(pointer)
        return pointer
    }

    /// A copy of the UTF-8 of `text`.
    func bytes(_ text: String) -> amqp_bytes_t {
        bytes(Array(text.utf8))
    }

    /// A copy of `content`.
    func bytes(_ content: some Collection<UInt8>) -> amqp_bytes_t {
        if content.isEmpty { return amqp_bytes_t(len: 0, bytes: nil) }
        let pointer = allocate(content.count)
        let buffer = UnsafeMutableRawBufferPointer(start: pointer, count: content.count)
        buffer.copyBytes(from: content)
        return amqp_bytes_t(len: content.count, bytes: pointer)
    }

    /// A copy of `fields` as an `amqp_table_t`, keys in sorted order so that the encoding is stable.
    func table(_ fields: [String: AMQPFieldValue]) -> amqp_table_t {
        if fields.isEmpty { return amqp_table_t(num_entries: 0, entries: nil) }
        let entries = allocate(MemoryLayout<amqp_table_entry_t>.stride * fields.count)
            .bindMemory(to: amqp_table_entry_t.self, capacity: fields.count)
        for (index, key) in fields.keys.sorted().enumerated() {
            (entries + index).initialize(to: amqp_table_entry_t(key: bytes(key), value: field(fields[key]!)))
        }
        return amqp_table_t(num_entries: Int32(fields.count), entries: entries)
    }

    private func field(_ value: AMQPFieldValue) -> amqp_field_value_t {
        var field = amqp_field_value_t()
        switch value {
        case .string(let text):
            field.kind = kind(AMQP_FIELD_KIND_UTF8)
            field.value.bytes = bytes(text)
        case .integer(let number):
            field.kind = kind(AMQP_FIELD_KIND_I64)
            field.value.i64 = number
        case .boolean(let flag):
            field.kind = kind(AMQP_FIELD_KIND_BOOLEAN)
            field.value.boolean = flag ? 1 : 0
        case .double(let number):
            field.kind = kind(AMQP_FIELD_KIND_F64)
            field.value.f64 = number
        case .timestamp(let date):
            field.kind = kind(AMQP_FIELD_KIND_TIMESTAMP)
            field.value.u64 = UInt64(max(0, date.timeIntervalSince1970))
        case .bytes(let content):
            field.kind = kind(AMQP_FIELD_KIND_BYTES)
            field.value.bytes = bytes(content)
        case .table(let fields):
            field.kind = kind(AMQP_FIELD_KIND_TABLE)
            field.value.table = table(fields)
        case .array(let values):
            field.kind = kind(AMQP_FIELD_KIND_ARRAY)
            let entries = allocate(MemoryLayout<amqp_field_value_t>.stride * max(values.count, 1))
                .bindMemory(to: amqp_field_value_t.self, capacity: values.count)
            for (index, element) in values.enumerated() {
                (entries + index).initialize(to: self.field(element))
            }
            field.value.array = amqp_array_t(num_entries: Int32(values.count), entries: entries)
        case .void:
            field.kind = kind(AMQP_FIELD_KIND_VOID)
        }
        return field
    }

    private func kind(_ kind: amqp_field_value_kind_t) -> UInt8 { UInt8(kind.rawValue) }
}

/// Reading what rabbitmq-c decoded into Swift values; the C memory belongs to the connection's pools.
enum AMQPDecoding {
    /// The bytes as a string, replacing invalid UTF-8.
    static func string(_ bytes: amqp_bytes_t) -> String {
        guard bytes.len > 0, let pointer = bytes.bytes else { return "" }
        let buffer = UnsafeRawBufferPointer(start: pointer, count: bytes.len)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// A copy of the bytes.
    static func data(_ bytes: amqp_bytes_t) -> Data {
        guard bytes.len > 0, let pointer = bytes.bytes else { return Data() }
        return Data(bytes: pointer, count: bytes.len)
    }

    /// The table as Swift values; a key repeated in the table keeps its last value.
    static func table(_ table: amqp_table_t) -> [String: AMQPFieldValue] {
        var fields: [String: AMQPFieldValue] = [:]
        guard table.num_entries > 0, let entries = table.entries else { return fields }
        for index in 0..<Int(table.num_entries) {
            let entry = entries[index]
            fields[string(entry.key)] = value(entry.value)
        }
        return fields
    }

    /// One field as a Swift value.
    static func value(_ field: amqp_field_value_t) -> AMQPFieldValue {
        switch amqp_field_value_kind_t(rawValue: UInt32(field.kind)) {
        case AMQP_FIELD_KIND_UTF8: .string(string(field.value.bytes))
        case AMQP_FIELD_KIND_BYTES: .bytes(Array(data(field.value.bytes)))
        case AMQP_FIELD_KIND_BOOLEAN: .boolean(field.value.boolean != 0)
        case AMQP_FIELD_KIND_I8: .integer(Int64(field.value.i8))
        case AMQP_FIELD_KIND_U8: .integer(Int64(field.value.u8))
        case AMQP_FIELD_KIND_I16: .integer(Int64(field.value.i16))
        case AMQP_FIELD_KIND_U16: .integer(Int64(field.value.u16))
        case AMQP_FIELD_KIND_I32: .integer(Int64(field.value.i32))
        case AMQP_FIELD_KIND_U32: .integer(Int64(field.value.u32))
        case AMQP_FIELD_KIND_I64: .integer(field.value.i64)
        case AMQP_FIELD_KIND_U64: .integer(Int64(truncatingIfNeeded: field.value.u64))
        case AMQP_FIELD_KIND_F32: .double(Double(field.value.f32))
        case AMQP_FIELD_KIND_F64: .double(field.value.f64)
        case AMQP_FIELD_KIND_DECIMAL: .string(decimalText(field.value.decimal))
        case AMQP_FIELD_KIND_TIMESTAMP: .timestamp(Date(timeIntervalSince1970: Double(field.value.u64)))
        case AMQP_FIELD_KIND_TABLE: .table(table(field.value.table))
        case AMQP_FIELD_KIND_ARRAY: .array(array(field.value.array))
        default: .void
        }
    }

    private static func array(_ array: amqp_array_t) -> [AMQPFieldValue] {
        guard array.num_entries > 0, let entries = array.entries else { return [] }
        return (0..<Int(array.num_entries)).map { value(entries[$0]) }
    }

    private static func decimalText(_ decimal: amqp_decimal_t) -> String {
        let value = Decimal(Int64(decimal.value)) / pow(Decimal(10), Int(decimal.decimals))
        return "\(value)"
    }
}
