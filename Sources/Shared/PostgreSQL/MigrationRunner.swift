import CSodium
import Foundation

/// One versioned change to a service's schema.
public struct Migration: Sendable {
    /// The order of the migration; applied ascending, each exactly once.
    public var version: Int
    /// A short name for people (`create_boletas`).
    public var name: String
    /// The SQL, which may hold several statements; it runs with the service schema as `search_path`.
    public var sql: String

    /// Creates a migration.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// The SHA-256 of the SQL in hex, recorded when applied so that a later edit is noticed.
    public var checksum: String { sha256Hex(Array(sql.utf8)) }
}

/// Applies a service's migrations at start, safely when several replicas start together.
///
/// Under a session advisory lock derived from the schema name, it creates the schema and its
/// `schema_migrations` table if absent, refuses to go on when an applied migration's SQL changed,
/// and applies the missing ones in order, each in its own transaction.
public struct MigrationRunner: Sendable {
    /// The service's schema (`boleta`).
    public let schema: String
    /// Every migration the code knows, in any order.
    public let migrations: [Migration]
    private let logger: Logger

    /// Creates a runner for `schema`.
    public init(schema: String, migrations: [Migration], logger: Logger) {
        self.schema = schema
        self.migrations = migrations
        self.logger = logger
    }

    /// The advisory lock key of this schema's migrations: the first 8 bytes of a SHA-256 of its name.
    public var lockKey: Int64 {
        let digest = sha256(Array("schema_migrations:\(schema)".utf8))
        return digest.prefix(8).reduce(Int64(0)) { ($0 << 8) | Int64($1) }
    }

    /// Applies the missing migrations with a connection of `pool`; returns the versions applied now.
    @discardableResult
    public func run(using pool: PostgresPool) throws -> [Int] {
        try pool.withConnection { try run(on: $0) }
    }

    /// Applies the missing migrations on `connection`; returns the versions applied now.
    ///
    /// - Throws: ``PostgresError`` with code `migrationRejected` when an applied migration changed or
    ///   two migrations share a version, or the error of the migration that failed.
    @discardableResult
    public func run(on connection: PostgresConnection) throws -> [Int] {
        let ordered = migrations.sorted { $0.version < $1.version }
        for (earlier, later) in zip(ordered, ordered.dropFirst()) where earlier.version == later.version {
            throw PostgresError(.migrationRejected, "Two migrations have version \(later.version).")
        }
        guard !connection.isInTransaction else {
            throw PostgresError(.migrationRejected, "Migrations must start outside a transaction.")
        }
        let quotedSchema = try connection.quoteIdentifier(schema)
        let table = quotedSchema + ".schema_migrations"

        try connection.query("SELECT pg_advisory_lock($1)", lockKey)
        defer {
            do {
                try connection.query("SELECT pg_advisory_unlock($1)", lockKey)
            } catch {
                logger.warning(
                    "Migration lock release failed", metadata: ["db.schema": schema, "db.error": "\(error)"])
            }
        }

        // CREATE SCHEMA IF NOT EXISTS checks the privilege first; a service role owning its schema may lack it.
        if try connection.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", schema).isEmpty {
            try connection.executeScript("CREATE SCHEMA " + quotedSchema)
        }
        try connection.executeScript(
            """
            CREATE TABLE IF NOT EXISTS \(table) (
                version bigint PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)

        var applied: [Int: String] = [:]
        for row in try connection.query("SELECT version, checksum FROM \(table)") {
            applied[try row.decode(Int.self, "version")] = try row.decode(String.self, "checksum")
        }
        for migration in ordered {
            if let checksum = applied[migration.version], checksum != migration.checksum {
                throw PostgresError(
                    .migrationRejected,
                    "Migration \(migration.version) (\(migration.name)) was changed after it was applied to \(schema).")
            }
        }

        var appliedNow: [Int] = []
        for migration in ordered where applied[migration.version] == nil {
            try connection.withTransaction { connection in
                try connection.executeScript("SET LOCAL search_path TO " + quotedSchema)
                try connection.executeScript(migration.sql)
                try connection.query(
                    "INSERT INTO \(table) (version, name, checksum) VALUES ($1, $2, $3)",
                    migration.version, migration.name, migration.checksum)
            }
            logger.info(
                "Migration applied",
                metadata: [
                    "db.schema": schema, "migration.version": String(migration.version),
                    "migration.name": migration.name,
                ])
            appliedNow.append(migration.version)
        }
        return appliedNow
    }
}

/// The SHA-256 of `bytes`, with libsodium.
func sha256(_ bytes: [UInt8]) -> [UInt8] {
    var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
    _ = crypto_hash_sha256(&digest, bytes, UInt64(bytes.count))
    return digest
}

/// The SHA-256 of `bytes` in lowercase hex.
func sha256Hex(_ bytes: [UInt8]) -> String {
    var hex: [UInt8] = []
    appendByteaHex(sha256(bytes), to: &hex)
    return String(decoding: hex.dropFirst(2), as: UTF8.self)
}
