import Foundation

/// An event a service could not handle, kept with the reason until an operator replays it.
public struct ParkedEvent: Codable, Sendable, Equatable {
    public var id: Int64
    public var eventId: UUID?
    public var eventType: String?
    public var exchange: String
    public var routingKey: String
    public var messageId: String?
    public var reason: String
    public var attempts: Int
    public var parkedAt: Date
    public var replayedAt: Date?
    /// The message body as received, when it is text (events are JSON); otherwise `nil`.
    public var body: String?
}

/// The parked events of one service schema: listing them and sending one back to the service's queue.
public struct ParkedEvents: Sendable {
    private let schema: String
    private let outbox: Outbox
    private let topology: EventTopology

    public init(schema: String, outbox: Outbox, topology: EventTopology) {
        precondition(SQLName.isValid(schema), "schema name \(schema) is not a plain SQL name")
        self.schema = schema
        self.outbox = outbox
        self.topology = topology
    }

    /// The parked events, newest first; only those not yet replayed unless `includeReplayed`.
    public func list(
        includeReplayed: Bool = false, limit: Int = 100, offset: Int = 0, on connection: PostgresConnection
    ) throws -> [ParkedEvent] {
        try connection.query(
            """
            SELECT id, event_id, event_type, exchange, routing_key, message_id, body, reason, attempts, parked_at,
                   replayed_at
            FROM \(schema).parked_event
            WHERE $1 OR replayed_at IS NULL
            ORDER BY id DESC LIMIT $2 OFFSET $3
            """, includeReplayed, limit, offset
        ).map { row in
            ParkedEvent(
                id: try row.decode(Int64.self, "id"), eventId: try row.decode(UUID?.self, "event_id"),
                eventType: try row.decode(String?.self, "event_type"),
                exchange: try row.decode(String.self, "exchange"),
                routingKey: try row.decode(String.self, "routing_key"),
                messageId: try row.decode(String?.self, "message_id"), reason: try row.decode(String.self, "reason"),
                attempts: try row.decode(Int.self, "attempts"), parkedAt: try row.decode(Date.self, "parked_at"),
                replayedAt: try row.decode(Date?.self, "replayed_at"),
                body: String(data: try row.decode(Data.self, "body"), encoding: .utf8))
        }
    }

    /// Sends parked event `id` back to the service's own queue through the outbox, within the
    /// transaction of `connection`; returns `false` when there is no such event waiting.
    public func replay(id: Int64, on connection: PostgresConnection) throws -> Bool {
        let rows = try connection.query(
            """
            UPDATE \(schema).parked_event SET replayed_at = now()
            WHERE id = $1 AND replayed_at IS NULL
            RETURNING event_id, event_type, body
            """, id)
        guard let row = rows.first else { return false }
        try outbox.enqueue(
            eventID: try row.decode(UUID?.self, "event_id") ?? UUID(),
            eventType: try row.decode(String?.self, "event_type") ?? "unknown", exchange: "",
            routingKey: topology.queue, payload: try row.decode(Data.self, "body"), on: connection)
        return true
    }
}
