import Foundation

/// Reads settings from environment variables, with defaults that run on one machine.
///
/// Every accessor names the variable in its error, so that a bad deployment says what to fix.
public struct Environment: Sendable {
    private let values: [String: String]

    /// Reads from `values`, by default the process's environment.
    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    /// The raw value of `name`, or `nil` when it is unset or empty.
    public subscript(name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }

    /// The value of `name`, or `defaultValue` when it is unset.
    public func string(_ name: String, default defaultValue: String) -> String {
        self[name] ?? defaultValue
    }

    /// The value of `name`, which must be set.
    public func requiredString(_ name: String) throws(ConfigurationError) -> String {
        guard let value = self[name] else {
            throw ConfigurationError(variable: name, problem: "is required but not set")
        }
        return value
    }

    /// The whole number in `name`, or `defaultValue`, which must lie in `range`.
    public func integer(
        _ name: String, default defaultValue: Int, in range: ClosedRange<Int> = Int.min...Int.max
    ) throws(ConfigurationError) -> Int {
        guard let text = self[name] else { return defaultValue }
        guard let value = Int(text) else {
            throw ConfigurationError(variable: name, problem: "must be a whole number, not \"\(text)\"")
        }
        guard range.contains(value) else {
            throw ConfigurationError(
                variable: name, problem: "must lie between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    /// The Boolean in `name` (`true`/`false`, `1`/`0`, `yes`/`no`), or `defaultValue`.
    public func bool(_ name: String, default defaultValue: Bool) throws(ConfigurationError) -> Bool {
        guard let text = self[name] else { return defaultValue }
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError(variable: name, problem: "must be true or false, not \"\(text)\"")
        }
    }

    /// The duration in milliseconds in `name`, or `defaultValue`.
    public func milliseconds(_ name: String, default defaultValue: Duration) throws(ConfigurationError) -> Duration {
        guard self[name] != nil else { return defaultValue }
        return .milliseconds(try integer(name, default: 0, in: 0...Int(Int32.max)))
    }

    /// A comma-separated list of durations in milliseconds in `name`, or `defaultValue`.
    public func millisecondList(
        _ name: String, default defaultValue: [Duration]
    ) throws(ConfigurationError) -> [Duration] {
        guard let text = self[name] else { return defaultValue }
        var result: [Duration] = []
        for part in text.split(separator: ",") {
            guard let value = Int(part.trimmingCharacters(in: .whitespaces)), value >= 0 else {
                throw ConfigurationError(
                    variable: name, problem: "must be milliseconds separated by commas, not \"\(text)\"")
            }
            result.append(.milliseconds(value))
        }
        return result
    }

    /// The log level named in `name`, or `defaultValue`.
    public func logLevel(_ name: String, default defaultValue: Logger.Level) throws(ConfigurationError) -> Logger.Level
    {
        guard let text = self[name] else { return defaultValue }
        guard let level = Logger.Level(name: text) else {
            let names = Logger.Level.allCases.map(\.description).joined(separator: ", ")
            throw ConfigurationError(variable: name, problem: "must be one of \(names), not \"\(text)\"")
        }
        return level
    }
}

/// A setting that is missing or cannot be read.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    /// The environment variable at fault.
    public var variable: String
    /// What is wrong with it, as a phrase that follows the variable's name.
    public var problem: String

    public init(variable: String, problem: String) {
        self.variable = variable
        self.problem = problem
    }

    public var description: String { "\(variable) \(problem)" }
}
