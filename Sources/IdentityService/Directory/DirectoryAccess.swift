import Foundation
import Shared

/// Object-level access to clients and users (R6, R8): a client's data is never visible to
/// another client, so what a caller may not see answers 404, and what it sees but may not
/// change answers 403.
extension IdentityService {
    /// The client `code` if `principal` may know it exists: vendor staff, or a user of that client.
    func visibleClient(
        _ code: String, seenBy principal: Principal, on connection: PostgresConnection
    ) throws -> ClientRecord {
        if let own = principal.clientCode, own != code { throw HTTPError.notFound("No such client.") }
        guard let client = try ClientQueries.find(code: code, on: connection) else {
            throw HTTPError.notFound("No such client.")
        }
        return client
    }

    /// The user `id` if `principal` may see it: itself, a current manager of its client, or vendor
    /// support and management. Deleted users stay visible to vendor staff only, for their history (R12).
    func visibleUser(
        _ id: UUID, seenBy principal: Principal, on connection: PostgresConnection, locking: Bool = false
    )
        throws -> UserRecord
    {
        let found =
            locking ? try UserQueries.lock(id: id, on: connection) : try UserQueries.find(id: id, on: connection)
        guard let user = found, principal.seesAllClients || !user.isDeleted else {
            throw HTTPError.notFound("No such user.")
        }
        if principal.seesAllClients || principal.userID == user.id { return user }
        guard let client = user.clientCode, try isCurrentManager(principal, of: client, on: connection) else {
            throw HTTPError.notFound("No such user.")
        }
        return user
    }

    /// Whether `principal` is, right now in the database, an active manager of `client`.
    ///
    /// The token's flag is checked first; the database is asked too, because a flag removed or a
    /// manager inactivated (R10) must stop its powers, reading its client's users included, before
    /// its token expires or the other services learn of it.
    func isCurrentManager(_ principal: Principal, of client: String, on connection: PostgresConnection) throws -> Bool {
        guard principal.isManager(of: client) else { return false }
        return try !connection.query(
            """
            SELECT 1 FROM app_user
            WHERE id = $1 AND client_code = $2 AND is_manager AND is_active AND deleted_at IS NULL
            """, principal.userID, client
        ).isEmpty
    }

    /// Throws 403 unless `principal` is, right now in the database, an active manager of `client`.
    func requireCurrentManager(_ principal: Principal, of client: String, on connection: PostgresConnection) throws {
        guard principal.isManager(of: client) else { throw HTTPError.forbidden() }
        guard try isCurrentManager(principal, of: client, on: connection) else {
            throw HTTPError.forbidden("Your manager powers are no longer in force.")
        }
    }

    /// Throws 403 unless `principal` is vendor support or a current manager of the client user `user`.
    func requireSupportOrManager(
        _ principal: Principal, of user: UserRecord, on connection: PostgresConnection
    ) throws {
        if principal.hasVendorRole(.support) { return }
        guard let client = user.clientCode else { throw HTTPError.forbidden() }
        try requireCurrentManager(principal, of: client, on: connection)
    }

    /// The calling principal; every directory route sits behind ``ServiceContext/requireToken``.
    static func caller(of request: Request) throws -> Principal {
        try request.principal(as: Principal.self)
    }
}
