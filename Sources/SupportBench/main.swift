// Measures the outbox relay against its ceiling, the bare confirmed publisher, in the same run,
// and how long a backlog takes to drain after a broker restart. Prints its figures; the target
// is at least 2,000 events per second through the relay on a 2-core machine.
//
//   support-bench [events]        (default 20000; DATABASE_URL and AMQP_URL as the services read them)
import Foundation
import Shared

/// One run of the benchmark, on a schema, exchange and queue of its own.
final class RelayBench {
    private let environment: Environment
    private let databaseURL: String
    private let amqpURL: String
    private let events: Int
    private let logger: Logger
    private let suffix: String
    private let schema: String
    private let exchange: String
    private let queue: String
    private let payload: Data
    private let settings: AMQPConnectionSettings
    private let pool: PostgresPool
    private let admin: AMQPConnection

    init() throws {
        environment = Environment()
        databaseURL = environment.string(
            "DATABASE_URL", default: "postgresql://support_admin:support_admin@127.0.0.1:5432/support")
        amqpURL = environment.string("AMQP_URL", default: "amqp://guest:guest@127.0.0.1:5672/")
        events = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 20_000
        logger = Logger(label: "bench", level: .warning)
        suffix = String(UUID().uuidString.prefix(8).lowercased())
        schema = "bench_\(suffix)"
        exchange = "bench.\(suffix)"
        queue = "bench.\(suffix).probe"
        payload = Data(String(repeating: "x", count: 400).utf8)

        settings = try AMQPConnectionSettings(url: amqpURL)
        pool = PostgresPool(
            configuration: PostgresPool.Configuration(url: databaseURL, maxConnections: 4), logger: logger)
        try MigrationRunner(schema: schema, migrations: PlatformSchema.migrations, logger: logger).run(using: pool)
        admin = try AMQPConnection(settings: settings, logger: logger)
        try admin.declareExchange(exchange, type: .topic)
        try admin.declareQueue(queue, arguments: .quorum())
        try admin.bindQueue(queue, to: exchange, routingKey: "bench.#")
    }

    func cleanUp() {
        _ = try? admin.deleteQueue(queue)
        try? admin.deleteExchange(exchange)
        admin.close()
        _ = try? pool.withConnection { try $0.execute("DROP SCHEMA \(schema) CASCADE") }
    }

    func fillOutbox() throws {
        try pool.withConnection { connection in
            try connection.execute(
                """
                INSERT INTO \(schema).outbox (event_id, event_type, exchange, routing_key, payload)
                SELECT gen_random_uuid(), 'bench.event', $1, 'bench.event', $2 FROM generate_series(1, $3)
                """, exchange, payload, events)
        }
    }

    func backlog() throws -> Int {
        try pool.withConnection {
            try $0.query("SELECT count(*) FROM \(schema).outbox WHERE published_at IS NULL")[0].decode(Int.self, at: 0)
        }
    }

    /// Runs a relay until the outbox is empty; returns the seconds it took, from its start.
    func relayUntilDrained(during disturbance: (() throws -> Void)? = nil) throws -> Double {
        let relay = OutboxRelay(
            outbox: Outbox(schema: schema, exchange: exchange, producer: "bench"), pool: pool, databaseURL: databaseURL,
            amqpSettings: settings, batchSize: 500, pollInterval: .milliseconds(50),
            backoff: BackoffPolicy(initialDelay: .milliseconds(100), maximumDelay: .seconds(1)),
            metrics: MessagingMetrics(registry: MetricsRegistry()), logger: logger)
        let stop = StopSignal()
        let done = DispatchSemaphore(value: 0)
        let started = ContinuousClock.now
        Thread {
            try? relay.run(until: stop)
            done.signal()
        }.start()
        try disturbance?()
        while try backlog() > 0 { Thread.sleep(forTimeInterval: 0.01) }
        let elapsed = (ContinuousClock.now - started).seconds
        stop.stop()
        done.wait()
        return elapsed
    }

    func bareCeiling() throws -> Double {
        let connection = try AMQPConnection(settings: settings, logger: logger)
        defer { connection.close() }
        let publisher = try AMQPPublisher(connection: connection)
        let messages = (0..<events).map {
            OutgoingMessage(exchange: exchange, routingKey: "bench.event", body: payload, messageID: "m-\($0)")
        }
        let started = ContinuousClock.now
        for first in stride(from: 0, to: events, by: 500) {
            try publisher.publish(Array(messages[first..<min(first + 500, events)]))
        }
        return Double(events) / (ContinuousClock.now - started).seconds
    }

    func restartBroker() throws {
        for arguments in [["-q", "stop_app"], ["-q", "start_app"]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/rabbitmqctl")
            process.arguments = arguments
            try process.run()
            process.waitUntilExit()
            if arguments[1] == "stop_app" { Thread.sleep(forTimeInterval: 2) }
        }
    }

    func run() throws {
        do {
            defer { cleanUp() }
            let ceiling = try bareCeiling()
            _ = try admin.purgeQueue(queue)

            try fillOutbox()
            let relaySeconds = try relayUntilDrained()
            let relayRate = Double(events) / relaySeconds
            let delivered = try admin.messageCount(inQueue: queue)
            _ = try admin.purgeQueue(queue)

            print("events                        \(events) of \(payload.count) bytes, batches of 500, quorum queue")
            print(String(format: "bare confirmed publisher      %10.0f events/s", ceiling))
            print(
                String(format: "outbox relay (ours)           %10.0f events/s   (%d delivered)", relayRate, delivered))
            print(String(format: "ratio ours/bare               %10.2f", relayRate / ceiling))
            print(String(format: "target 2000 events/s          %10@", relayRate >= 2_000 ? "met" : "NOT MET"))

            if CommandLine.arguments.contains("--with-broker-restart") || environment["BENCH_BROKER_RESTART"] == "1" {
                try fillOutbox()
                let total = try relayUntilDrained {
                    Thread.sleep(forTimeInterval: 0.3)
                    try self.restartBroker()
                }
                let afterRestart = try AMQPConnection(settings: settings, logger: logger)
                defer { afterRestart.close() }
                let deliveredAfterRestart = try afterRestart.messageCount(inQueue: queue)
                print(
                    String(
                        format: "drained with a broker restart %10.1f s   (%d delivered, %d committed)",
                        total, deliveredAfterRestart, events))
                _ = try afterRestart.purgeQueue(queue)
            }
            let rss =
                (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8))?
                .split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? "VmRSS: ?"
            print("bench process \(rss.replacingOccurrences(of: "\t", with: " "))")
        } catch {
            print("bench failed: \(error)")
            exit(1)
        }
    }
}

do {
    try RelayBench().run()
} catch {
    print("bench could not start: \(error)")
    exit(1)
}
