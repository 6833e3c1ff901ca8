import Foundation

/// Takes the events of a service's queue and hands each to its handler exactly once in effect.
///
/// For each delivery, in one database transaction: the event's id goes into the inbox (a second
/// delivery of the same event finds it there and does nothing), and the handler runs. The
/// delivery is acknowledged only after that transaction committed. A handler that fails is
/// retried through the delay queues of ``EventTopology``; after the last retry, or at once for an
/// event that can never be handled (``EventRejection``, an unreadable body), the event is parked
/// with its reason in the `parked_event` table, where an operator can list and replay it. The
/// events behind a failing one are not held up.
public final class EventConsumer: ServicePart {
    public let name: String
    private let schema: String
    private let topology: EventTopology
    private let handlers: [String: EventHandler]
    private let pool: PostgresPool
    private let amqpSettings: AMQPConnectionSettings
    private let prefetch: UInt16
    private let backoff: BackoffPolicy
    private let metrics: MessagingMetrics
    private let logger: Logger
    private let inboxRetention: Duration

    /// A consumer of `topology.queue` that records its inbox in `schema`.
    ///
    /// Inbox rows, and parked events already replayed, are removed after `inboxRetention`: a
    /// duplicate delivered later than that would be handled again, which no broker does.
    public init(
        schema: String, topology: EventTopology, handlers: [EventHandler], pool: PostgresPool,
        amqpSettings: AMQPConnectionSettings, prefetch: Int = 32, backoff: BackoffPolicy = BackoffPolicy(),
        inboxRetention: Duration = .seconds(30 * 86_400), metrics: MessagingMetrics, logger: Logger,
        name: String = "event-consumer"
    ) {
        precondition(SQLName.isValid(schema), "schema name \(schema) is not a plain SQL name")
        self.name = name
        self.schema = schema
        self.topology = topology
        self.handlers = Dictionary(handlers.map { ($0.eventType, $0) }) { first, _ in first }
        self.pool = pool
        self.amqpSettings = amqpSettings
        self.prefetch = UInt16(clamping: prefetch)
        self.backoff = backoff
        self.metrics = metrics
        self.inboxRetention = inboxRetention
        self.logger = logger.labelled(logger.label + ".events").with(["amqp.queue": topology.queue])
    }

    public func run(until stop: StopSignal) throws {
        var session: Session?
        var failures = 0
        var nextCleanup = ContinuousClock.now
        while !stop.isStopped {
            do {
                if ContinuousClock.now >= nextCleanup {
                    try removeOldRows()
                    nextCleanup = ContinuousClock.now + .seconds(600)
                }
                if session == nil {
                    guard let opened = openSession(until: stop) else { break }
                    session = opened
                }
                guard let delivery = try session!.consumer.next(timeout: .milliseconds(250)) else {
                    // The retry publisher is idle most of the time, and must still answer heartbeats.
                    try session!.retries.keepAlive()
                    continue
                }
                try process(delivery, in: session!)
                failures = 0
            } catch {
                failures += 1
                let delay = backoff.delay(afterFailures: failures)
                logger.warning(
                    "Event consumer failed; reconnecting",
                    metadata: ["error": "\(error)", "retry.delayMs": "\(delay.wholeMilliseconds)"])
                session?.close()
                session = nil
                stop.sleep(for: delay)
            }
        }
        session?.close()
    }

    /// The two connections a consumer needs: one to consume, one to publish retries with confirms
    /// (a publisher reads every frame of its connection, so it cannot share the consumer's).
    struct Session {
        let consumer: AMQPConsumer
        let retries: AMQPPublisher

        func close() {
            consumer.connection.close()
            retries.connection.close()
        }
    }

    private func openSession(until stop: StopSignal) -> Session? {
        backoff.retry("amqp.consume", until: stop, logger: logger) {
            let connection = try AMQPConnection(settings: amqpSettings, logger: logger)
            do {
                try topology.declare(on: connection)
                let retryConnection = try AMQPConnection(settings: amqpSettings, logger: logger)
                let consumer = try AMQPConsumer(connection: connection, queue: topology.queue, prefetch: prefetch)
                return Session(consumer: consumer, retries: try AMQPPublisher(connection: retryConnection))
            } catch {
                connection.close()
                throw error
            }
        }
    }

    /// Handles one delivery and settles it; throws only when it could not be settled safely, in
    /// which case the delivery stays unacknowledged and the broker gives it again.
    func process(_ delivery: Delivery, in session: Session) throws {
        let failures = Int(delivery.headers[Header.attempts] ?? "") ?? 0
        let metadata: EventMetadata
        do {
            metadata = try EventCoding.decoder().decode(EventMetadata.self, from: delivery.body)
        } catch {
            let reason = "not an event envelope: " + EventCoding.describe(error)
            try park(delivery, metadata: nil, reason: reason, attempts: failures + 1)
            return try settle(delivery, in: session, outcome: "parked", type: "unknown")
        }
        var log = logger.with(["event.id": metadata.id.uuidString.lowercased(), "event.type": metadata.type])

        guard let handler = handlers[metadata.type] else {
            try park(delivery, metadata: metadata, reason: "no handler for event type \(metadata.type)", attempts: 1)
            return try settle(delivery, in: session, outcome: "parked", type: metadata.type)
        }

        do {
            let isNew = try pool.withTransaction { connection -> Bool in
                let inserted = try connection.execute(
                    "INSERT INTO \(schema).inbox (event_id, event_type) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    metadata.id, metadata.type)
                guard inserted == 1 else { return false }
                try handler.handle(delivery.body, connection)
                return true
            }
            log.debug(isNew ? "Event handled" : "Duplicate event ignored")
            try settle(delivery, in: session, outcome: isNew ? "processed" : "duplicate", type: metadata.type)
        } catch let error as PostgresError where error.isUnavailable {
            // Not the event's fault: leave it unacknowledged and reconnect once the database answers.
            throw error
        } catch let rejection as EventRejection {
            log.warning("Event rejected and parked", metadata: ["reason": rejection.reason])
            try park(delivery, metadata: metadata, reason: rejection.reason, attempts: failures + 1)
            try settle(delivery, in: session, outcome: "parked", type: metadata.type)
        } catch {
            log = log.with(["error": "\(error)", "event.attempt": "\(failures + 1)"])
            if failures < topology.retryDelays.count {
                log.notice("Event handler failed; will retry")
                try retry(delivery, after: failures + 1, reason: "\(error)", in: session)
                try settle(delivery, in: session, outcome: "retried", type: metadata.type)
            } else {
                log.warning("Event handler failed after the last retry; parked")
                let reason = "handler failed after \(failures + 1) attempts: \(error)"
                try park(delivery, metadata: metadata, reason: reason, attempts: failures + 1)
                try settle(delivery, in: session, outcome: "parked", type: metadata.type)
            }
        }
    }

    private func removeOldRows() throws {
        let seconds = Double(inboxRetention.wholeMilliseconds) / 1000
        let removed = try pool.withConnection { connection in
            try connection.execute(
                "DELETE FROM \(schema).inbox WHERE processed_at < now() - make_interval(secs => $1)", seconds)
                + connection.execute(
                    "DELETE FROM \(schema).parked_event WHERE replayed_at < now() - make_interval(secs => $1)", seconds)
        }
        if removed > 0 { logger.debug("Old inbox rows removed", metadata: ["db.rows": "\(removed)"]) }
    }

    enum Header {
        static let attempts = "x-attempts"
        static let lastError = "x-last-error"
        static let originalExchange = "x-original-exchange"
        static let originalRoutingKey = "x-original-routing-key"
    }

    private func settle(_ delivery: Delivery, in session: Session, outcome: String, type: String) throws {
        try session.consumer.ack(delivery.deliveryTag)
        metrics.eventsConsumed.increment([type, outcome])
    }

    /// Sends the delivery to the delay queue of its next retry, confirmed before the original is acked.
    private func retry(_ delivery: Delivery, after failures: Int, reason: String, in session: Session) throws {
        var headers = delivery.headers
        headers[Header.originalExchange] = headers[Header.originalExchange] ?? delivery.exchange
        headers[Header.originalRoutingKey] = headers[Header.originalRoutingKey] ?? delivery.routingKey
        headers[Header.attempts] = String(failures)
        headers[Header.lastError] = String(reason.prefix(512))
        try session.retries.publish([
            OutgoingMessage(
                exchange: "", routingKey: topology.retryQueue(failures - 1), body: delivery.body,
                messageID: delivery.messageID ?? UUID().uuidString.lowercased(), type: delivery.type,
                contentType: delivery.contentType ?? "application/json", timestamp: delivery.timestamp ?? Date(),
                correlationID: delivery.correlationID, appID: delivery.appID, headers: headers)
        ])
    }

    private func park(_ delivery: Delivery, metadata: EventMetadata?, reason: String, attempts: Int) throws {
        try pool.withConnection { connection in
            try connection.execute(
                """
                INSERT INTO \(schema).parked_event
                    (event_id, event_type, exchange, routing_key, message_id, body, reason, attempts)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """,
                metadata?.id, metadata?.type, delivery.headers[Header.originalExchange] ?? delivery.exchange,
                delivery.headers[Header.originalRoutingKey] ?? delivery.routingKey, delivery.messageID,
                delivery.body, reason, attempts)
        }
    }
}
