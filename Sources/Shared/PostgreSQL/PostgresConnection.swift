import CPostgreSQL
import Foundation
import Synchronization

/// One session with the PostgreSQL server, over libpq.
///
/// Every statement is parameterised (`PQexecParams` or a cached `PQprepare`d statement); values
/// travel in text format apart from the SQL. The session runs with `TimeZone=UTC` and
/// `DateStyle=ISO` so that times read back the same whatever the server's settings.
///
/// `@unchecked Sendable`: a connection is used by one thread at a time. It crosses threads only
/// through ``PostgresPool``, which hands it to one caller under its lock and takes it back the
/// same way; nothing else may share it. The libpq handle itself is safe to move between threads.
public final class PostgresConnection: @unchecked Sendable {
    let handle: OpaquePointer
    let logger: Logger
    private let noticeContext: Unmanaged<NoticeContext>
    private let statementCacheCapacity: Int
    private var statements: [String: PreparedStatement] = [:]
    private var statementCounter = 0

    private struct PreparedStatement {
        var name: String
        var types: [UInt32]
    }

    /// Opens a session.
    ///
    /// - Parameters:
    ///   - url: `postgresql://user:password@host:port/database?application_name=...` or any other
    ///     libpq connection string.
    ///   - connectTimeout: seconds to wait for the server before giving up (at least 2, libpq's minimum).
    ///   - applicationName: the name shown in `pg_stat_activity` unless the URL names one.
    ///   - statementCacheCapacity: how many parameterised statements to prepare once and reuse; 0 turns
    ///     the cache off. A cached statement whose table changed shape is prepared again; inside a
    ///     transaction that costs the transaction one failure (SQLSTATE 0A000).
    ///   - logger: where server notices and connection events go.
    /// - Throws: ``PostgresError`` with code `connectionFailed`.
    public init(
        url: String, connectTimeout: Int = 5, applicationName: String = "support-services",
        statementCacheCapacity: Int = 128, logger: Logger
    ) throws {
        let keywords = ["dbname", "connect_timeout", "fallback_application_name"]
        let values = [url, String(max(connectTimeout, 2)), applicationName]
        let connection = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in PQconnectdbParams(keywordPointers, valuePointers, 1) }
        }
        guard let connection else {
            throw PostgresError(.connectionFailed, "libpq could not allocate a connection.", call: "PQconnectdbParams")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection)).trimmingTrailingNewlines()
            PQfinish(connection)
            throw PostgresError(.connectionFailed, message, call: "PQconnectdbParams")
        }
        self.handle = connection
        self.logger = logger
        self.statementCacheCapacity = statementCacheCapacity
        self.noticeContext = Unmanaged.passRetained(NoticeContext(logger: logger))
        PQsetNoticeReceiver(connection, receiveNotice, noticeContext.toOpaque())

        try executeScript("SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO, YMD'; SET client_encoding TO 'UTF8'")
        logger.debug("PostgreSQL connection opened", metadata: ["db.backendPID": String(backendPID)])
    }

    deinit {
        PQfinish(handle)
        noticeContext.release()
    }

    /// Whether libpq still considers the session usable.
    ///
    /// A server restart is noticed only once libpq reads from the socket: see ``checkIdle()``. A
    /// `FATAL` message the server sent outside a statement (shutdown, terminated backend) also counts.
    public var isHealthy: Bool {
        PQstatus(handle) == CONNECTION_OK && !noticeContext.takeUnretainedValue().isTerminated.load(ordering: .relaxed)
    }

    /// The server process serving this session, for `pg_terminate_backend` and logs.
    public var backendPID: Int { Int(PQbackendPID(handle)) }

    /// Whether a transaction is open (or failed and not yet rolled back) on this session.
    public var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// Reads whatever the server sent while the session was idle and tells whether it is still usable.
    ///
    /// A server that shut down or terminated this backend has sent an error and closed the socket;
    /// polling the socket without waiting reveals it at the cost of one system call.
    public func checkIdle() -> Bool {
        guard isHealthy else { return false }
        let socket = PQsocket(handle)
        guard socket >= 0 else { return false }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        // The server's farewell message and the end of the stream may take two reads to see.
        for _ in 0..<4 where poll(&descriptor, 1, 0) > 0 {
            if PQconsumeInput(handle) == 0 { return false }
            // PQconsumeInput only reads; PQisBusy parses, which hands a FATAL farewell to the receiver.
            _ = PQisBusy(handle)
        }
        return isHealthy && PQtransactionStatus(handle) == PQTRANS_IDLE
    }

    /// Runs a parameterised statement and returns its rows: `query("SELECT name FROM t WHERE id = $1", id)`.
    ///
    /// - Throws: ``PostgresError`` with the SQLSTATE; code `connectionLost` when the session broke.
    @discardableResult
    public func query(_ sql: String, _ parameters: (any PostgresEncodable)?...) throws -> PostgresRows {
        try query(sql, parameters: parameters)
    }

    /// Runs a parameterised statement whose parameters are already in an array.
    @discardableResult
    public func query(_ sql: String, parameters: [(any PostgresEncodable)?]) throws -> PostgresRows {
        PostgresRows(result: try run(sql, parameters))
    }

    /// Runs a parameterised statement and returns how many rows it changed (`PQcmdTuples`).
    @discardableResult
    public func execute(_ sql: String, _ parameters: (any PostgresEncodable)?...) throws -> Int {
        try query(sql, parameters: parameters).affectedRowCount
    }

    /// Runs a parameterised statement whose parameters are already in an array; returns the changed rows.
    @discardableResult
    public func execute(_ sql: String, parameters: [(any PostgresEncodable)?]) throws -> Int {
        try query(sql, parameters: parameters).affectedRowCount
    }

    /// Quotes `name` as an SQL identifier (a schema or channel name), with `PQescapeIdentifier`.
    ///
    /// For the few statements that take no parameters in place of a name (`LISTEN`, `SET search_path`).
    public func quoteIdentifier(_ name: String) throws -> String {
        guard let quoted = PQescapeIdentifier(handle, name, name.utf8.count) else {
            throw PostgresError(
                .invalidParameter, String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines(),
                call: "PQescapeIdentifier")
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }

    /// Runs trusted SQL that may hold several statements and no parameters (migrations, session setup).
    ///
    /// Not public: everything that carries data goes through ``query(_:_:)``.
    func executeScript(_ sql: String) throws {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, call: "PQexec")
    }

    private func run(_ sql: String, _ parameters: [(any PostgresEncodable)?]) throws -> PostgresResult {
        var buffer: [UInt8] = []
        var offsets: [Int] = []
        var types: [UInt32] = []
        if !parameters.isEmpty {
            buffer.reserveCapacity(parameters.count * 16)
            offsets.reserveCapacity(parameters.count)
            types.reserveCapacity(parameters.count)
            for (index, parameter) in parameters.enumerated() {
                guard let parameter else {
                    offsets.append(-1)
                    types.append(PostgresOID.unknown)
                    continue
                }
                let start = buffer.count
                parameter.encode(into: &buffer)
                if buffer[start...].contains(0) {
                    throw PostgresError(
                        .invalidParameter, "Parameter $\(index + 1) holds a NUL character, which PostgreSQL refuses.")
                }
                buffer.append(0)
                offsets.append(start)
                types.append(type(of: parameter).postgresTypeOID)
            }
        }

        let prepared = try preparedName(for: sql, types: types)
        let result: OpaquePointer? = buffer.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress)?.assumingMemoryBound(to: CChar.self)
            let values: [UnsafePointer<CChar>?] = offsets.map { $0 < 0 ? nil : base! + $0 }
            let count = Int32(values.count)
            if let prepared {
                return PQexecPrepared(handle, prepared, count, values, nil, nil, 0)
            }
            return PQexecParams(handle, sql, count, types, values, nil, nil, 0)
        }
        do {
            try check(result, call: prepared == nil ? "PQexecParams" : "PQexecPrepared")
        } catch let error as PostgresError {
            PQclear(result)
            // A table changed under a cached plan: forget the plan and, outside a transaction, run once more.
            if prepared != nil, error.sqlState == "0A000" {
                statements[sql] = nil
                if !isInTransaction { return try run(sql, parameters) }
            }
            throw error
        }
        return PostgresResult(result!)
    }

    /// Prepares `sql` the first time it runs with these parameter types; `nil` means run it unprepared.
    private func preparedName(for sql: String, types: [UInt32]) throws -> String? {
        guard statementCacheCapacity > 0, !types.isEmpty else { return nil }
        if let statement = statements[sql] {
            return statement.types == types ? statement.name : nil
        }
        guard statements.count < statementCacheCapacity else { return nil }
        statementCounter += 1
        let name = "pgs\(statementCounter)"
        let result = PQprepare(handle, name, sql, Int32(types.count), types)
        defer { PQclear(result) }
        try check(result, call: "PQprepare")
        statements[sql] = PreparedStatement(name: name, types: types)
        return name
    }

    private func check(_ result: OpaquePointer?, call: String) throws {
        if let result {
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: return
            default: break
            }
        }
        let error = PostgresError.from(result: result, connection: handle, call: call)
        if error.code == .connectionLost {
            // Never trust this session again, even if libpq has not yet seen the socket close.
            noticeContext.takeUnretainedValue().isTerminated.store(true, ordering: .relaxed)
            logger.info(
                "PostgreSQL connection lost",
                metadata: ["db.backendPID": String(backendPID), "db.sqlState": error.sqlState ?? ""])
        }
        throw error
    }
}

/// Calls `body` with a C array of C strings that live for the call.
private func withCStringArray<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// What the notice receiver needs; immutable, so sharing it through a `void *` is safe.
private final class NoticeContext: Sendable {
    let logger: Logger
    /// Set when the server announced, between statements, that it ends this session.
    let isTerminated = Atomic<Bool>(false)
    init(logger: Logger) { self.logger = logger }
}

/// Sends a server notice (`RAISE NOTICE`, "relation already exists, skipping") to the logger.
///
/// Routine notices go at debug; warnings and errors the server sends outside a statement at info.
private func receiveNotice(_ context: UnsafeMutableRawPointer?, _ result: OpaquePointer?) {
    guard let context, let result else { return }
    let noticeContext = Unmanaged<NoticeContext>.fromOpaque(context).takeUnretainedValue()
    let logger = noticeContext.logger
    func field(_ code: Int32) -> String {
        PQresultErrorField(result, code).map { String(cString: $0) } ?? ""
    }
    let severity = field(DiagnosticField.severity)
    // libpq hands an error that arrives between statements to the notice receiver; FATAL means the
    // server is closing the session, though the socket may not show it yet.
    if severity == "FATAL" || severity == "PANIC" {
        noticeContext.isTerminated.store(true, ordering: .relaxed)
    }
    let level: Logger.Level =
        switch severity {
        case "DEBUG", "LOG", "INFO", "NOTICE": .debug
        default: .info
        }
    logger.log(
        level, "PostgreSQL notice",
        metadata: [
            "db.severity": severity, "db.sqlState": field(DiagnosticField.sqlState),
            "db.message": field(DiagnosticField.messagePrimary),
        ])
}

extension PostgresConnection {
    /// Whether a statement failed in the open transaction, so that only `ROLLBACK` is accepted.
    var isFailedTransaction: Bool { PQtransactionStatus(handle) == PQTRANS_INERROR }
}
