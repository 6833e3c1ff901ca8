/// An error of the job scheduler's set-up or of a request to run a job by name.
public struct SchedulingError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, extensible by callers.
    public struct Code: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        /// The schema name is not a plain lower-case SQL identifier.
        public static let invalidSchema: Code = "invalid-schema"
        /// Two jobs share a name, so `job_run` could not tell their runs apart.
        public static let duplicateJob: Code = "duplicate-job"
        /// No job of the scheduler has the requested name.
        public static let unknownJob: Code = "unknown-job"
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong, for the log and for an operator.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "SchedulingError(\(code)): \(message)" }
}

extension SchedulingError: HTTPErrorConvertible {
    /// 404 for an unknown job; 500 for a scheduler set up wrongly.
    public var httpError: HTTPError {
        code == .unknownJob ? .notFound(message) : .internalError(cause: self)
    }
}
