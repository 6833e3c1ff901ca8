import CPostgreSQL

/// An error of the PostgreSQL layer: a failed connection, statement, decoding or pool wait.
///
/// `code` is what callers compare; `sqlState` is the server's five-character SQLSTATE when the
/// server answered; `call` names the libpq function that failed.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, extensible by callers.
    public struct Code: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        /// The server could not be reached or refused the session.
        public static let connectionFailed: Code = "connection-failed"
        /// An open connection broke (server restart, terminated backend, network).
        public static let connectionLost: Code = "connection-lost"
        /// The server rejected a statement; `sqlState` says why.
        public static let queryFailed: Code = "query-failed"
        /// A column's value is NULL where a value is required, or its text cannot be read as the type.
        public static let decodingFailed: Code = "decoding-failed"
        /// No connection of the pool became free in time.
        public static let poolTimeout: Code = "pool-timeout"
        /// The pool was closed because the service is stopping.
        public static let poolClosed: Code = "pool-closed"
        /// A parameter cannot be sent (a string with a NUL character, say).
        public static let invalidParameter: Code = "invalid-parameter"
        /// An applied migration differs from the one the code holds, or the list is inconsistent.
        public static let migrationRejected: Code = "migration-rejected"
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong, for the log (the server's message when the server answered).
    public var message: String
    /// The SQLSTATE the server reported, such as `23505`.
    public var sqlState: String?
    /// The libpq function that failed, such as `PQexecParams`.
    public var call: String?
    /// The column a decoding error is about.
    public var column: String?
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// Creates an error; most are made by the connection from libpq's answer.
    public init(
        _ code: Code, _ message: String, sqlState: String? = nil, call: String? = nil, column: String? = nil,
        cause: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.call = call
        self.column = column
        self.cause = cause
    }

    public var description: String {
        var text = "PostgresError(\(code.rawValue)"
        if let call { text += ", \(call)" }
        if let sqlState { text += ", SQLSTATE \(sqlState)" }
        if let column { text += ", column \(column)" }
        text += "): \(message)"
        if let cause { text += " (cause: \(cause))" }
        return text
    }

    /// Whether a unique constraint refused a row (SQLSTATE 23505).
    public var isUniqueViolation: Bool { sqlState == "23505" }

    /// Whether the transaction lost a serialization conflict or a deadlock and may be retried whole.
    public var isSerializationFailure: Bool { sqlState == "40001" || sqlState == "40P01" }

    /// Whether the connection is gone and must be replaced.
    ///
    /// Class 08 is connection exceptions; 57P01 to 57P03 are the server shutting down or
    /// terminating the backend.
    public var isConnectionLost: Bool {
        if code == .connectionLost || code == .connectionFailed { return true }
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03"
    }

    /// Whether the database is out of reach (connection lost or refused, pool exhausted or
    /// closed), as opposed to a statement that failed on its own merits.
    public var isUnavailable: Bool {
        isConnectionLost || code == .poolTimeout || code == .poolClosed
    }
}

extension PostgresError: HTTPErrorConvertible {
    /// 503 when the database is out of reach (pool exhausted or closed, connection lost); 500 otherwise.
    public var httpError: HTTPError {
        if isUnavailable {
            var error = HTTPError.notReady("The database is not reachable right now. Try again shortly.")
            error.headers = [("Retry-After", "1")]
            error.cause = self
            return error
        }
        return .internalError(cause: self)
    }
}

extension PostgresError {
    /// Reads the error fields of a failed result, or the connection's message when there is no result.
    static func from(result: OpaquePointer?, connection: OpaquePointer, call: String) -> PostgresError {
        let sqlState = result.flatMap { PQresultErrorField($0, DiagnosticField.sqlState) }.map { String(cString: $0) }
        var message = result.flatMap { PQresultErrorField($0, DiagnosticField.messagePrimary) }.map {
            String(cString: $0)
        }
        if message == nil || message?.isEmpty == true {
            message = PQerrorMessage(connection).map { String(cString: $0) }
        }
        let text = (message ?? "unknown error").trimmingTrailingNewlines()
        var error = PostgresError(.queryFailed, text, sqlState: sqlState, call: call)
        if PQstatus(connection) == CONNECTION_BAD || (sqlState == nil && result == nil) {
            error.code = .connectionLost
        } else if error.isConnectionLost {
            error.code = .connectionLost
        }
        return error
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while let last = text.last, last == "\n" || last == " " { text.removeLast() }
        return String(text)
    }
}

/// Field codes of `PQresultErrorField`; libpq defines them as character macros, which Swift does not import.
enum DiagnosticField {
    static let severity = Int32(UInt8(ascii: "V"))
    static let sqlState = Int32(UInt8(ascii: "C"))
    static let messagePrimary = Int32(UInt8(ascii: "M"))
}
