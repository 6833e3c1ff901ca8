import Foundation

/// The transactional outbox of one service schema: events are written in the same transaction
/// as the change that caused them, and ``OutboxRelay`` publishes them after the commit.
public struct Outbox: Sendable {
    /// The schema that holds the `outbox` table.
    public let schema: String
    /// The exchange events are published to.
    public let exchange: String
    /// The producer named in every envelope (the service's name).
    public let producer: String

    /// An outbox in `schema` for events of `producer`, published to `exchange`.
    public init(schema: String, exchange: String, producer: String) {
        precondition(SQLName.isValid(schema), "schema name \(schema) is not a plain SQL name")
        self.schema = schema
        self.exchange = exchange
        self.producer = producer
    }

    /// The channel of the NOTIFY that wakes the relay when a row is added.
    public var notificationChannel: String { "\(schema)_outbox" }

    /// Adds `event` to the outbox within the transaction of `connection`; returns the event's id.
    @discardableResult
    public func append<Event: DomainEvent>(
        _ event: Event, clientCode: String? = nil, correlationId: String? = nil, causationId: String? = nil,
        occurredAt: Date = Date(), on connection: PostgresConnection
    ) throws -> UUID {
        let envelope = EventEnvelope(
            event, producer: producer, clientCode: clientCode, correlationId: correlationId,
            causationId: causationId, occurredAt: occurredAt)
        let payload = try EventCoding.encoder().encode(envelope)
        try enqueue(
            eventID: envelope.id, eventType: Event.type, exchange: exchange, routingKey: Event.type, payload: payload,
            on: connection)
        return envelope.id
    }

    /// Adds an already encoded message to the outbox, for a given exchange and routing key.
    ///
    /// Used to replay a parked event straight to one service's queue through the default exchange.
    public func enqueue(
        eventID: UUID, eventType: String, exchange: String, routingKey: String, payload: Data,
        on connection: PostgresConnection
    ) throws {
        try connection.execute(
            """
            INSERT INTO \(schema).outbox (event_id, event_type, exchange, routing_key, payload)
            VALUES ($1, $2, $3, $4, $5)
            """, eventID, eventType, exchange, routingKey, payload)
        try connection.execute("SELECT pg_notify($1, '')", notificationChannel)
    }

    /// How many rows wait to be published.
    public func backlog(on connection: PostgresConnection) throws -> Int {
        try connection.query("SELECT count(*) FROM \(schema).outbox WHERE published_at IS NULL")[0]
            .decode(Int.self, at: 0)
    }
}

/// Checks names that are put into SQL text, where a parameter cannot stand (schemas, tables).
enum SQLName {
    /// Whether `name` is a lower-case SQL identifier that needs no quoting.
    static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || ("a"..."z").contains(first) else { return false }
        return name.count <= 63
            && name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }
}
