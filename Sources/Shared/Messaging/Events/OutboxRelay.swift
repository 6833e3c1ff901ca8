import Foundation

/// Publishes the rows of a service's outbox to the broker, in order of creation, with publisher
/// confirms, and marks each row sent only after the broker confirmed it.
///
/// A crash at any point leaves unconfirmed rows unmarked, to be sent again: consumers drop the
/// duplicates through their inbox. Several instances may run: a transaction-scoped advisory lock
/// lets one of them publish at a time, so no row goes out twice at once and order is kept. The
/// relay wakes on the NOTIFY that ``Outbox`` sends, and polls as a fallback.
public final class OutboxRelay: ServicePart {
    public let name = "outbox-relay"
    private let outbox: Outbox
    private let pool: PostgresPool
    private let databaseURL: String
    private let amqpSettings: AMQPConnectionSettings
    private let batchSize: Int
    private let pollInterval: Duration
    private let retention: Duration
    private let backoff: BackoffPolicy
    private let metrics: MessagingMetrics
    private let logger: Logger

    /// A relay for `outbox`, reading through `pool` and listening for notifications on `databaseURL`.
    public init(
        outbox: Outbox, pool: PostgresPool, databaseURL: String, amqpSettings: AMQPConnectionSettings,
        batchSize: Int = 500, pollInterval: Duration = .seconds(1), retention: Duration = .seconds(7 * 86_400),
        backoff: BackoffPolicy = BackoffPolicy(), metrics: MessagingMetrics, logger: Logger
    ) {
        self.outbox = outbox
        self.pool = pool
        self.databaseURL = databaseURL
        self.amqpSettings = amqpSettings
        self.batchSize = batchSize
        self.pollInterval = pollInterval
        self.retention = retention
        self.backoff = backoff
        self.metrics = metrics
        self.logger = logger.labelled(logger.label + ".outbox").with(["db.schema": outbox.schema])
    }

    /// The advisory lock key that lets one relay of the schema publish at a time.
    var lockKey: Int64 {
        // FNV-1a over the schema name: stable across processes, unlike Hasher.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "outbox-relay:\(outbox.schema)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    public func run(until stop: StopSignal) throws {
        let listener = PostgresListener(url: databaseURL, channel: outbox.notificationChannel, logger: logger)
        var publisher: AMQPPublisher?
        var failures = 0
        var lastCleanup = ContinuousClock.now

        while !stop.isStopped {
            do {
                if publisher == nil {
                    guard
                        let connection = AMQPConnection.open(
                            settings: amqpSettings, retrying: backoff, until: stop, logger: logger)
                    else { break }
                    publisher = try AMQPPublisher(connection: connection)
                }
                let batch = try publishBatch(with: publisher!)
                if failures > 0 { logger.info("Outbox relay recovered", metadata: ["retry.failures": "\(failures)"]) }
                failures = 0
                if ContinuousClock.now - lastCleanup > .seconds(600) {
                    try removePublishedRows()
                    lastCleanup = ContinuousClock.now
                }
                if let failure = batch.failure { throw failure }
                if batch.published == batchSize { continue }
                waitForWork(listener, stop: stop)
                // An idle publisher must still answer the broker's heartbeats.
                try publisher?.keepAlive()
            } catch {
                failures += 1
                if let error = error as? AMQPError, error.requiresNewConnection {
                    publisher?.connection.close()
                    publisher = nil
                }
                let delay = backoff.delay(afterFailures: failures)
                logger.warning(
                    "Outbox relay could not publish; will retry",
                    metadata: ["error": "\(error)", "retry.delayMs": "\(delay.wholeMilliseconds)"])
                stop.sleep(for: delay)
            }
        }
        publisher?.connection.close()
    }

    private func waitForWork(_ listener: PostgresListener, stop: StopSignal) {
        do {
            _ = try listener.waitForNotification(timeout: pollInterval)
        } catch {
            logger.notice("Outbox relay lost its notification connection", metadata: ["error": "\(error)"])
            stop.sleep(for: pollInterval)
        }
    }

    /// What one pass published, and the error that stopped it early, if any.
    struct Batch {
        var published: Int
        var failure: (any Error)?
    }

    /// Publishes the oldest unpublished rows and marks the confirmed ones, in one transaction.
    ///
    /// Rows are marked up to the first one the broker did not confirm, so that order is kept: the
    /// rest of the batch goes again with that row on the next pass.
    func publishBatch(with publisher: AMQPPublisher) throws -> Batch {
        let schema = outbox.schema
        let batch = try pool.withTransaction { connection -> Batch in
            let locked = try connection.query("SELECT pg_try_advisory_xact_lock($1)", lockKey)[0].decode(
                Bool.self, at: 0)
            guard locked else { return Batch(published: 0) }

            let rows = try connection.query(
                """
                SELECT position, event_id, event_type, exchange, routing_key, payload FROM \(schema).outbox
                WHERE published_at IS NULL ORDER BY position LIMIT $1
                """, batchSize)
            guard !rows.isEmpty else { return Batch(published: 0) }

            var positions: [Int64] = []
            var messages: [OutgoingMessage] = []
            positions.reserveCapacity(rows.count)
            messages.reserveCapacity(rows.count)
            for row in rows {
                positions.append(try row.decode(Int64.self, "position"))
                let eventType = try row.decode(String.self, "event_type")
                messages.append(
                    OutgoingMessage(
                        exchange: try row.decode(String.self, "exchange"),
                        routingKey: try row.decode(String.self, "routing_key"),
                        body: try row.decode(Data.self, "payload"),
                        messageID: try row.decode(UUID.self, "event_id").uuidString.lowercased(),
                        type: eventType, appID: outbox.producer))
            }

            let outcomes = try publisher.publishReportingOutcomes(messages)
            let confirmed = outcomes.prefix(while: \.isConfirmed).count
            if confirmed > 0 {
                try connection.execute(
                    "UPDATE \(schema).outbox SET published_at = now() WHERE position = ANY($1)",
                    Array(positions[..<confirmed]))
            }
            guard confirmed < outcomes.count else { return Batch(published: confirmed) }

            let reason = Self.describe(outcomes[confirmed], of: messages[confirmed])
            try connection.execute(
                "UPDATE \(schema).outbox SET attempts = attempts + 1, last_error = $2 WHERE position = $1",
                positions[confirmed], reason)
            return Batch(published: confirmed, failure: OutboxError(position: positions[confirmed], reason: reason))
        }
        metrics.outboxPublished.increment(by: Double(batch.published))
        return batch
    }

    private static func describe(_ outcome: PublishOutcome, of message: OutgoingMessage) -> String {
        switch outcome {
        case .confirmed:
            "confirmed"
        case .nacked:
            "the broker refused event \(message.messageID) (\(message.routingKey))"
        case .unroutable(let code, let text):
            "event \(message.messageID) matched no queue on \(message.exchange)/\(message.routingKey): \(code) \(text)"
        }
    }

    private func removePublishedRows() throws {
        let removed = try pool.withConnection { connection in
            try connection.execute(
                "DELETE FROM \(outbox.schema).outbox WHERE published_at < now() - make_interval(secs => $1)",
                Double(retention.wholeMilliseconds) / 1000)
        }
        if removed > 0 { logger.debug("Published outbox rows removed", metadata: ["db.rows": "\(removed)"]) }
    }
}

/// An outbox row that the broker did not confirm; it stays unpublished and is tried again.
public struct OutboxError: Error, CustomStringConvertible {
    /// The row's position in the outbox.
    public var position: Int64
    /// Why the broker did not take it.
    public var reason: String

    public var description: String { "outbox row \(position) not published: \(reason)" }
}
