import Foundation
import Testing

@testable import BoletaService
@testable import Shared

/// What the PAT and directory tests share: publishing PAT events as another system would,
/// reading what Boleta kept, and waiting for it.
enum PatTestSupport {
    /// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
    static func eventually(timeout: Duration = .seconds(10), _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return try condition()
    }

    /// A PAT as the asyncapi example gives it, with `changes` applied (`NSNull` removes a field).
    static func pat(
        _ number: String, client: String = "ABS", contact: String = "001", revision: Int = 1,
        status: String = "open", updatedAt: String = "2026-03-02T13:05:00.000Z", changes: [String: Any] = [:]
    ) -> [String: Any] {
        var pat: [String: Any] = [
            "number": number, "clientCode": client,
            "contact": ["code": contact, "name": "Maria Souza", "email": "maria.souza@cliente.example"],
            "nature": "error", "system": "Folha", "version": "4.2.1", "priority": "high",
            "function": "Cálculo de férias",
            "description": "O cálculo de férias não considera o adicional noturno.",
            "attachments": [
                ["name": "tela.png", "url": "https://helpdesk.example/pats/1/attachments/1", "mediaType": "image/png"]
            ],
            "status": status, "revision": revision, "updatedAt": updatedAt,
        ]
        for (key, value) in changes {
            pat[key] = value is NSNull ? nil : value
        }
        return pat
    }

    /// The envelope of a PAT event around `data`, as JSON.
    static func envelope(
        _ type: String, _ data: [String: Any], id: UUID = UUID(), clientCode: String? = nil
    ) throws -> Data {
        let envelope: [String: Any] = [
            "id": id.uuidString.lowercased(), "type": type, "version": 1, "occurredAt": "2026-03-02T13:05:00.000Z",
            "producer": "helpdesk", "clientCode": clientCode ?? (data["clientCode"] as? String) ?? "ABS", "data": data,
        ]
        return try JSONSerialization.data(withJSONObject: envelope)
    }

    /// Publishes raw bodies to the fixture's PAT exchange with `routingKey`, as another system would.
    static func publish(_ bodies: [Data], routingKey: String, to fixture: BoletaFixture) throws {
        let connection = try AMQPConnection(settings: fixture.service.context.amqpSettings)
        defer { connection.close() }
        try AMQPPublisher(connection: connection).publish(
            bodies.map {
                OutgoingMessage(
                    exchange: fixture.service.context.configuration.patExchange, routingKey: routingKey, body: $0,
                    messageID: UUID().uuidString, type: routingKey)
            })
    }

    /// Publishes one PAT event.
    static func publish(_ type: String, _ data: [String: Any], to fixture: BoletaFixture) throws {
        try publish([try envelope(type, data)], routingKey: type, to: fixture)
    }

    /// A PAT row as stored.
    struct StoredPat: Equatable {
        var description: String
        var status: String
        var revision: Int64
        var contactUserID: UUID?
        var isOpened: Bool
        var isClosed: Bool
    }

    /// The stored PATs by number.
    static func pats(_ fixture: BoletaFixture) throws -> [String: StoredPat] {
        let rows = try fixture.service.context.pool.withConnection { connection in
            try connection.query(
                """
                SELECT number, description, status, revision, contact_user_id, opened_at IS NOT NULL AS opened,
                    closed_at IS NOT NULL AS closed FROM \(fixture.schema).pat
                """
            ).map { row in
                (
                    try row.decode(String.self, "number"),
                    StoredPat(
                        description: try row.decode(String.self, "description"),
                        status: try row.decode(String.self, "status"), revision: try row.decode(Int64.self, "revision"),
                        contactUserID: try row.decode(UUID?.self, "contact_user_id"),
                        isOpened: try row.decode(Bool.self, "opened"), isClosed: try row.decode(Bool.self, "closed"))
                )
            }
        }
        return Dictionary(rows) { first, _ in first }
    }

    /// The reasons of the parked events, sorted.
    static func parkedReasons(_ fixture: BoletaFixture) throws -> [String] {
        try fixture.service.context.pool.withConnection { connection in
            try connection.query("SELECT reason FROM \(fixture.schema).parked_event ORDER BY reason").map {
                try $0.decode(String.self, at: 0)
            }
        }
    }

    /// Identity's summary of a user.
    static func user(
        _ id: UUID = UUID(), client: String? = "ABS", code: String, isManager: Bool = false,
        vendorRole: VendorRole? = nil
    ) -> UserSummary {
        UserSummary(
            userId: id, clientCode: client, vendorRole: vendorRole, code: code, name: "User \(code)",
            email: "\(code.lowercased())@example.com", isManager: isManager, isApprover: false, activeUntil: nil)
    }

    /// Identity's event for a newly registered user, without an initial password.
    static func registration(_ user: UserSummary) -> UserRegistered {
        UserRegistered(user: user, sealedInitialPassword: nil, initialPasswordExpiresAt: nil)
    }
}
