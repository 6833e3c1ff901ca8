import Foundation
import Synchronization

/// A structured logger that writes one JSON object per line.
///
/// A value type, like swift-log's: copy it and add metadata for a narrower scope (a request, an
/// event). Messages are fixed sentences; what varies goes into dotted metadata keys such as
/// `request.id` or `amqp.routingKey`. Never log a password, a token or a whole e-mail body.
public struct Logger: Sendable {
    /// How much a line matters, from the most to the least chatty.
    public enum Level: Int, Comparable, Sendable, CaseIterable, CustomStringConvertible {
        case trace, debug, info, notice, warning, error, critical

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

        public var description: String {
            switch self {
            case .trace: "trace"
            case .debug: "debug"
            case .info: "info"
            case .notice: "notice"
            case .warning: "warning"
            case .error: "error"
            case .critical: "critical"
            }
        }

        /// Reads a level from its name (`"info"`), or `nil` for an unknown name.
        public init?(name: String) {
            guard let level = Level.allCases.first(where: { $0.description == name.lowercased() }) else {
                return nil
            }
            self = level
        }
    }

    /// The component that writes, for example `identity` or `identity.outbox`.
    public var label: String
    /// Lines below this level are not written.
    public var level: Level
    /// Key-value pairs added to every line this logger writes.
    public var metadata: [String: String]
    private let sink: any LogSink

    /// Creates a logger that writes to `sink` (standard error unless told otherwise).
    public init(label: String, level: Level = .info, sink: any LogSink = StandardErrorSink.shared) {
        self.label = label
        self.level = level
        self.metadata = [:]
        self.sink = sink
    }

    /// Returns a copy of this logger with `metadata` added to every line.
    public func with(_ metadata: [String: String]) -> Logger {
        var copy = self
        copy.metadata.merge(metadata) { _, new in new }
        return copy
    }

    /// Returns a copy of this logger with another label, keeping level, metadata and sink.
    public func labelled(_ label: String) -> Logger {
        var copy = self
        copy.label = label
        return copy
    }

    /// Writes `message` at `level` with this logger's metadata and `metadata`.
    public func log(_ level: Level, _ message: @autoclosure () -> String, metadata: [String: String] = [:]) {
        guard level >= self.level else { return }
        var fields = self.metadata
        fields.merge(metadata) { _, new in new }
        sink.write(LogLine.render(level: level, label: label, message: message(), metadata: fields))
    }

    /// Writes a line at ``Level/trace``.
    public func trace(_ message: @autoclosure () -> String, metadata: [String: String] = [:]) {
        log(.trace, message(), metadata: metadata)
    }

    /// Writes a line at ``Level/debug``.
    public func debug(_ message: @autoclosure () -> String, metadata: [String: String] = [:]) {
        log(.debug, message(), metadata: metadata)
    }

    /// Writes a line at ``Level/info``.
    public func info(_ message: @autoclosure () -> String, metadata: [String: String] = [:]) {
        log(.info, message(), metadata: metadata)
    }

    /// Writes a line at ``Level/notice``.
    public func notice(_ message: @autoclosure () -> String, metadata: [String: String] = [:]) {
        log(.notice, message(), metadata: metadata)
    }

    /// Writes a line at ``Level/warning``.
    public func warning(_ message: @autoclosure () -> String, metadata: [String: String] = [:]) {
        log(.warning, message(), metadata: metadata)
    }

    /// Writes a line at ``Level/error``.
    public func error(_ message: @autoclosure () -> String, metadata: [String: String] = [:]) {
        log(.error, message(), metadata: metadata)
    }
}

/// Renders a log line as a JSON object with sorted metadata keys.
enum LogLine {
    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    static func render(level: Logger.Level, label: String, message: String, metadata: [String: String]) -> String {
        var line = "{\"ts\":\"\(Date().formatted(timestampStyle))\",\"level\":\"\(level)\""
        line += ",\"logger\":" + quoted(label) + ",\"msg\":" + quoted(message)
        for key in metadata.keys.sorted() {
            line += "," + quoted(key) + ":" + quoted(metadata[key]!)
        }
        return line + "}"
    }

    /// Quotes `text` as a JSON string.
    static func quoted(_ text: String) -> String {
        var result = "\""
        result.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

/// Where log lines go.
public protocol LogSink: Sendable {
    /// Writes one complete line (without its newline).
    func write(_ line: String)
}

/// Writes log lines to standard error, one `write` per line so that lines of threads never mix.
public final class StandardErrorSink: LogSink {
    /// The sink every logger uses unless told otherwise.
    public static let shared = StandardErrorSink()

    private let lock = Mutex(())

    public func write(_ line: String) {
        let data = Data((line + "\n").utf8)
        lock.withLock { _ in FileHandle.standardError.write(data) }
    }
}

/// Keeps log lines in memory, for tests that check what was logged.
public final class MemoryLogSink: LogSink {
    private let storage = Mutex<[String]>([])

    public init() {}

    public func write(_ line: String) {
        storage.withLock { $0.append(line) }
    }

    /// Every line written so far.
    public var lines: [String] { storage.withLock { $0 } }
}
