import Foundation
import Shared

/// The body of `POST /clients`.
struct ClientRegistration: Decodable, Sendable {
    var code: String?
    var name: String?
    var timeZone: String?
}

/// The body of `PATCH /clients/{code}`: what is present changes.
struct ClientChanges: Decodable, Sendable {
    var name: String?
    var timeZone: String?
    var isActive: Bool?
}

extension IdentityService {
    /// Clients (R1): vendor support registers and changes them; support and management see all;
    /// a client user sees its own client only.
    func addClientRoutes(to router: inout Router) {
        let service = self
        router.post("/clients", middleware: [context.requireVendorRole(.support)]) { request in
            try service.registerClient(try request.decode(ClientRegistration.self), request: request)
        }
        router.patch("/clients/{code}") { request in
            try service.updateClient(try request.pathParameter("code"), request: request)
        }
        router.get("/clients", middleware: [context.requireVendorRole(.support, .management)]) { _ in
            let clients = try service.pool.withConnection { connection in
                try connection.query("SELECT \(ClientRecord.columns) FROM client ORDER BY code")
                    .map(ClientRecord.init(row:))
            }
            return try .json(ItemList(items: clients))
        }
        router.get("/clients/{code}") { request in
            let principal = try Self.caller(of: request)
            let client = try service.pool.withConnection { connection in
                try service.visibleClient(try request.pathParameter("code"), seenBy: principal, on: connection)
            }
            guard principal.seesAllClients || principal.belongs(to: client.code) else { throw HTTPError.forbidden() }
            return try .json(client)
        }
    }

    private func registerClient(_ body: ClientRegistration, request: Request) throws -> Response {
        var validator = FieldValidator()
        let code = validator.matching(
            "code", validator.required("code", body.code, maxLength: 20), DirectoryPatterns.code,
            "must be 1 to 20 upper-case letters and digits")
        let name = validator.required("name", body.name, maxLength: 200)
        let timeZone = validator.timeZone("timeZone", body.timeZone) ?? ScheduledJob.defaultTimeZone.identifier
        try validator.check()
        guard let code, let name else { throw HTTPError.invalid(validator.errors) }

        let client = try pool.withTransaction { connection -> ClientRecord in
            let rows = try connection.query(
                """
                INSERT INTO client (code, name, time_zone) VALUES ($1, $2, $3)
                ON CONFLICT (code) DO NOTHING RETURNING \(ClientRecord.columns)
                """, code, name, timeZone)
            guard let row = rows.first else { throw HTTPError.conflict("A client with code \(code) exists already.") }
            let client = try ClientRecord(row: row)
            try outbox.append(
                ClientRegistered(code: client.code, name: client.name, timeZone: client.timeZone),
                clientCode: client.code, on: connection)
            return client
        }
        request.logger.info("Client registered", metadata: ["client.code": client.code])
        return try .json(client, status: 201)
    }

    private func updateClient(_ code: String, request: Request) throws -> Response {
        let principal = try Self.caller(of: request)
        let changes = try request.decode(ClientChanges.self)
        var validator = FieldValidator()
        let name = changes.name == nil ? nil : validator.required("name", changes.name, maxLength: 200)
        let timeZone = validator.timeZone("timeZone", changes.timeZone)

        let client = try pool.withTransaction { connection -> ClientRecord in
            _ = try visibleClient(code, seenBy: principal, on: connection)
            guard principal.hasVendorRole(.support) else { throw HTTPError.forbidden() }
            try validator.check()
            let rows = try connection.query(
                """
                UPDATE client SET name = coalesce($2, name), time_zone = coalesce($3, time_zone),
                    is_active = coalesce($4, is_active), updated_at = now()
                WHERE code = $1 RETURNING \(ClientRecord.columns)
                """, code, name, timeZone, changes.isActive)
            let client = try ClientRecord(row: rows[0])
            try outbox.append(
                ClientUpdated(
                    code: client.code, name: client.name, timeZone: client.timeZone, isActive: client.isActive),
                clientCode: client.code, on: connection)
            return client
        }
        request.logger.info("Client updated", metadata: ["client.code": client.code])
        return try .json(client)
    }
}
