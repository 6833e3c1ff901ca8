import Foundation
import Synchronization
import Testing

@testable import Shared

/// A schema with the platform's tables, a pool on it, and an exchange of its own, for one test.
final class MessagingFixture: Sendable {
    let schema: String
    let exchange: String
    let pool: PostgresPool
    let amqp: AMQPConnectionSettings
    let metrics = MessagingMetrics(registry: MetricsRegistry())
    let logger: Logger
    let logSink = MemoryLogSink()

    static let amqpURL = ProcessInfo.processInfo.environment["TEST_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/"

    init() throws {
        schema = PostgresTestSupport.uniqueName("msgtest")
        exchange = "test." + schema
        logger = Logger(label: "test", level: .debug, sink: logSink)
        pool = PostgresPool(
            configuration: PostgresPool.Configuration(url: PostgresTestSupport.url, maxConnections: 8),
            logger: logger)
        amqp = try AMQPConnectionSettings(url: Self.amqpURL)
        try MigrationRunner(schema: schema, migrations: PlatformSchema.migrations, logger: logger).run(using: pool)
        let connection = try AMQPConnection(settings: amqp)
        defer { connection.close() }
        try connection.declareExchange(exchange, type: .topic)
    }

    var outbox: Outbox { Outbox(schema: schema, exchange: exchange, producer: "test") }

    func relay(batchSize: Int = 500) -> OutboxRelay {
        OutboxRelay(
            outbox: outbox, pool: pool, databaseURL: PostgresTestSupport.url, amqpSettings: amqp,
            batchSize: batchSize, pollInterval: .milliseconds(100),
            backoff: BackoffPolicy(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(500)),
            metrics: metrics, logger: logger)
    }

    func topology(service: String, routingKeys: [String], retryDelays: [Duration] = []) -> EventTopology {
        EventTopology(
            service: service, eventsExchange: exchange, bindings: routingKeys.map { (exchange, $0) },
            retryDelays: retryDelays)
    }

    /// A consumer of `topology`, whose queues are declared before it returns so that a test can publish at once.
    func consumer(_ topology: EventTopology, handlers: [EventHandler]) throws -> EventConsumer {
        let connection = try AMQPConnection(settings: amqp)
        defer { connection.close() }
        try topology.declare(on: connection)
        return EventConsumer(
            schema: schema, topology: topology, handlers: handlers, pool: pool, amqpSettings: amqp, prefetch: 16,
            backoff: BackoffPolicy(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(500)),
            metrics: metrics, logger: logger)
    }

    /// Runs `parts` on their own threads until `body` returns, then stops them and waits.
    func running<T>(_ parts: [any ServicePart], _ body: () throws -> T) throws -> T {
        let runner = ServiceRunner(logger: logger, parts: parts)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            _ = runner.run(); finished.signal()
        }.start()
        defer {
            runner.stopSignal.stop()
            finished.wait()
        }
        return try body()
    }

    /// Removes the schema, the exchange and the given queues.
    func tearDown(queues: [String] = []) {
        if let connection = try? AMQPConnection(settings: amqp) {
            for queue in queues { try? connection.deleteQueue(queue) }
            try? connection.deleteExchange(exchange)
            connection.close()
        }
        _ = try? pool.withConnection { try $0.execute("DROP SCHEMA \(schema) CASCADE") }
        pool.close()
    }
}

/// A test event.
struct Ping: DomainEvent {
    static let type = "test.ping"
    static let version = 1
    var number: Int
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(10), _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.02)
    }
    return try condition()
}

/// Reads every message of `queue` that arrives within `quiet` of the previous one.
func drain(_ queue: String, settings: AMQPConnectionSettings, quiet: Duration = .milliseconds(700)) throws -> [Delivery]
{
    let connection = try AMQPConnection(settings: settings)
    defer { connection.close() }
    let consumer = try AMQPConsumer(connection: connection, queue: queue, prefetch: 500)
    var deliveries: [Delivery] = []
    while let delivery = try consumer.next(timeout: quiet) {
        deliveries.append(delivery)
        try consumer.ack(delivery.deliveryTag)
    }
    return deliveries
}
