import Foundation

/// A service's own copy of Identity's clients and users, kept from Identity's events in the
/// service's tables `known_client` and `known_user`.
///
/// A service that needs names, flags and states of people adds ``migration(version:)`` to its
/// migrations and ``handlers`` to its event handlers. Every handler writes the whole state the
/// event carries, so the same event twice changes nothing, and an update for a user or client not
/// seen yet inserts it. A deleted user keeps its row, since the history names it (R12). A service
/// whose own earlier migration created the two tables with at least these columns keeps that
/// migration and uses the rest; what it keeps beyond the copy it writes in handlers merged after
/// ``handlers`` (``afterSavingUser(_:)``).
public enum DirectoryCopy {
    /// The migration that creates the two tables, numbered `version` among the service's own.
    public static func migration(version: Int) -> Migration {
        Migration(
            version: version, name: "directory_copy",
            sql: """
                -- What this service knows of Identity's clients and users, kept from Identity's events.
                CREATE TABLE known_client (
                    code text PRIMARY KEY,
                    name text NOT NULL,
                    time_zone text NOT NULL,
                    is_active boolean NOT NULL DEFAULT true
                );
                CREATE TABLE known_user (
                    id uuid PRIMARY KEY,
                    client_code text,
                    vendor_role text,
                    code text NOT NULL,
                    name text NOT NULL,
                    email text NOT NULL,
                    is_manager boolean NOT NULL DEFAULT false,
                    is_approver boolean NOT NULL DEFAULT false,
                    is_active boolean NOT NULL DEFAULT true,
                    is_deleted boolean NOT NULL DEFAULT false,
                    updated_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX known_user_client ON known_user (client_code);
                """)
    }

    /// The handlers of Identity's client and user events that keep the copy current.
    public static var handlers: [EventHandler] {
        [
            .on(ClientRegistered.self) { envelope, connection in
                let client = envelope.data
                try saveClient(
                    code: client.code, name: client.name, timeZone: client.timeZone, isActive: nil, on: connection)
            },
            .on(ClientUpdated.self) { envelope, connection in
                let client = envelope.data
                try saveClient(
                    code: client.code, name: client.name, timeZone: client.timeZone, isActive: client.isActive,
                    on: connection)
            },
            .on(UserRegistered.self) { envelope, connection in
                try saveUser(envelope.data.user, reactivating: false, on: connection)
            },
            .on(UserUpdated.self) { envelope, connection in
                try saveUser(envelope.data.user, reactivating: false, on: connection)
            },
            .on(UserFlagsChanged.self) { envelope, connection in
                try saveUser(envelope.data.user, reactivating: false, on: connection)
            },
            .on(UserReactivated.self) { envelope, connection in
                try saveUser(envelope.data.user, reactivating: true, on: connection)
            },
            .on(UserDeactivated.self) { envelope, connection in
                _ = try connection.execute(
                    "UPDATE known_user SET is_active = false, updated_at = now() WHERE id = $1", envelope.data.userId)
            },
            .on(UserDeleted.self) { envelope, connection in
                _ = try connection.execute(
                    "UPDATE known_user SET is_deleted = true, updated_at = now() WHERE id = $1", envelope.data.userId)
            },
        ]
    }

    /// Inserts or updates a client; `isActive` `nil` leaves the state as it is (active when new).
    public static func saveClient(
        code: String, name: String, timeZone: String, isActive: Bool?, on connection: PostgresConnection
    ) throws {
        _ = try connection.execute(
            """
            INSERT INTO known_client (code, name, time_zone, is_active) VALUES ($1, $2, $3, COALESCE($4, true))
            ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, time_zone = EXCLUDED.time_zone,
                is_active = COALESCE($4, known_client.is_active)
            """, code, name, timeZone, isActive)
    }

    /// Inserts or updates a user from Identity's summary of it.
    ///
    /// A reactivation makes the user active again; other events leave the state as it is, since
    /// only deactivation, reactivation and deletion change it.
    public static func saveUser(_ user: UserSummary, reactivating: Bool, on connection: PostgresConnection) throws {
        _ = try connection.execute(
            """
            INSERT INTO known_user
                (id, client_code, vendor_role, code, name, email, is_manager, is_approver, is_active)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true)
            ON CONFLICT (id) DO UPDATE SET client_code = EXCLUDED.client_code, vendor_role = EXCLUDED.vendor_role,
                code = EXCLUDED.code, name = EXCLUDED.name, email = EXCLUDED.email,
                is_manager = EXCLUDED.is_manager, is_approver = EXCLUDED.is_approver,
                is_active = known_user.is_active OR $9, updated_at = now()
            """, user.userId, user.clientCode, user.vendorRole?.rawValue, user.code, user.name, user.email,
            user.isManager, user.isApprover, reactivating)
    }

    /// Handlers that run `body` with the user of every event that carries Identity's summary of one
    /// (a registration, an update, a change of flags, a reactivation), for a service that keeps more
    /// than the copy does.
    ///
    /// Merged after ``handlers`` with ``EventHandler/merging(_:_:)``, `body` runs once the copy
    /// holds the user, in the same transaction.
    public static func afterSavingUser(
        _ body: @escaping @Sendable (UserSummary, PostgresConnection) throws -> Void
    ) -> [EventHandler] {
        [
            .on(UserRegistered.self) { envelope, connection in try body(envelope.data.user, connection) },
            .on(UserUpdated.self) { envelope, connection in try body(envelope.data.user, connection) },
            .on(UserFlagsChanged.self) { envelope, connection in try body(envelope.data.user, connection) },
            .on(UserReactivated.self) { envelope, connection in try body(envelope.data.user, connection) },
        ]
    }

    /// The user with `id` as last heard of, deleted or not; `nil` when the service has not heard of it.
    public static func user(id: UUID, on connection: PostgresConnection) throws -> DirectoryUser? {
        try connection.query("SELECT \(userColumns) FROM known_user WHERE id = $1", id).map(DirectoryUser.init).first
    }

    /// The user of `clientCode` with `code`; of several (a code reused after a deletion), the one
    /// not deleted, else the latest changed. `nil` when the service has not heard of any.
    public static func user(
        clientCode: String, code: String, on connection: PostgresConnection
    ) throws -> DirectoryUser? {
        try connection.query(
            """
            SELECT \(userColumns) FROM known_user WHERE client_code = $1 AND code = $2
            ORDER BY is_deleted, updated_at DESC LIMIT 1
            """, clientCode, code
        ).map(DirectoryUser.init).first
    }

    /// The active vendor staff with `role`, neither deactivated nor deleted, by name.
    public static func staff(_ role: VendorRole, on connection: PostgresConnection) throws -> [DirectoryUser] {
        try connection.query(
            """
            SELECT \(userColumns) FROM known_user
            WHERE vendor_role = $1 AND is_active AND NOT is_deleted ORDER BY name, id
            """, role.rawValue
        ).map(DirectoryUser.init)
    }

    /// The client with `code` as last heard of; `nil` when the service has not heard of it.
    public static func client(_ code: String, on connection: PostgresConnection) throws -> DirectoryClient? {
        try connection.query("SELECT code, name, time_zone, is_active FROM known_client WHERE code = $1", code)
            .first.map { row in
                DirectoryClient(
                    code: try row.decode(String.self, "code"), name: try row.decode(String.self, "name"),
                    timeZone: try row.decode(String.self, "time_zone"), isActive: try row.decode(Bool.self, "is_active")
                )
            }
    }

    private static let userColumns =
        "id, client_code, vendor_role, code, name, email, is_manager, is_approver, is_active, is_deleted"
}

/// A client as a service's ``DirectoryCopy`` last heard of it from Identity.
public struct DirectoryClient: Sendable, Equatable {
    public var code: String
    public var name: String
    /// The client's IANA time zone, such as `America/Sao_Paulo`.
    public var timeZone: String
    public var isActive: Bool

    /// A client with these attributes.
    public init(code: String, name: String, timeZone: String, isActive: Bool) {
        self.code = code
        self.name = name
        self.timeZone = timeZone
        self.isActive = isActive
    }
}

/// A user as a service's ``DirectoryCopy`` last heard of it from Identity.
public struct DirectoryUser: Sendable, Equatable {
    public var id: UUID
    /// The user's client; `nil` for vendor staff.
    public var clientCode: String?
    /// The staff member's role; `nil` for client users.
    public var vendorRole: VendorRole?
    /// The user's code within its client, or the staff code.
    public var code: String
    public var name: String
    /// The address Identity holds for the user.
    public var email: String
    public var isManager: Bool
    public var isApprover: Bool
    public var isActive: Bool
    /// Whether Identity deleted the user; the row stays for the history that names it (R12).
    public var isDeleted: Bool

    /// A user with these attributes.
    public init(
        id: UUID, clientCode: String?, vendorRole: VendorRole?, code: String, name: String, email: String,
        isManager: Bool, isApprover: Bool, isActive: Bool, isDeleted: Bool
    ) {
        self.id = id
        self.clientCode = clientCode
        self.vendorRole = vendorRole
        self.code = code
        self.name = name
        self.email = email
        self.isManager = isManager
        self.isApprover = isApprover
        self.isActive = isActive
        self.isDeleted = isDeleted
    }
}

extension DirectoryUser {
    /// The user a row of `known_user` holds, read with ``DirectoryCopy``'s user columns.
    init(_ row: PostgresRow) throws {
        self.init(
            id: try row.decode(UUID.self, "id"), clientCode: try row.decode(String?.self, "client_code"),
            vendorRole: try row.decode(String?.self, "vendor_role").flatMap(VendorRole.init(rawValue:)),
            code: try row.decode(String.self, "code"), name: try row.decode(String.self, "name"),
            email: try row.decode(String.self, "email"), isManager: try row.decode(Bool.self, "is_manager"),
            isApprover: try row.decode(Bool.self, "is_approver"), isActive: try row.decode(Bool.self, "is_active"),
            isDeleted: try row.decode(Bool.self, "is_deleted"))
    }
}
