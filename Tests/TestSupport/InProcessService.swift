import Foundation
import Shared

/// A service run inside the test process, on a database schema and a broker exchange of its own,
/// with the real PostgreSQL and RabbitMQ on loopback; removed again by ``stop()``.
///
/// Other services' queues are stood in for by one queue bound to every routing key, so that what
/// the service publishes is routable, as it is when the whole system runs.
public final class InProcessService: Sendable {
    public static let databaseURL =
        ProcessInfo.processInfo.environment["TEST_DATABASE_URL"]
        ?? "postgresql://support_admin:support_admin@127.0.0.1:5432/support"
    public static let amqpURL =
        ProcessInfo.processInfo.environment["TEST_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/"

    /// The service's name, which is also its schema and the prefix of its queues.
    public let schema: String
    public let exchange: String
    public let service: PreparedService
    public let logs = MemoryLogSink()
    public let baseURL: String
    private let client = HTTPClient(timeout: .seconds(20))
    private let finished = DispatchSemaphore(value: 0)

    /// Prepares and starts a service named `<prefix>_<random>` with `environment` added to the
    /// test settings; `build` supplies what is the service's own.
    public init(
        prefix: String, environment: [String: String] = [:], build: (ServiceContext) throws -> ServiceComponents
    ) throws {
        schema = prefix + "_" + UUID().uuidString.prefix(8).lowercased()
        exchange = "test." + schema
        var values = [
            "DATABASE_URL": Self.databaseURL, "AMQP_URL": Self.amqpURL, "HTTP_PORT": "0", "EVENTS_EXCHANGE": exchange,
            "EVENT_RETRY_DELAYS_MS": "50", "DECLARE_SYSTEM_TOPOLOGY": "false",
        ]
        values.merge(environment) { _, new in new }
        let configuration = try ServiceConfiguration(name: schema, defaultPort: 0, environment: Environment(values))

        let admin = try AMQPConnection(settings: try AMQPConnectionSettings(url: Self.amqpURL))
        defer { admin.close() }
        try admin.declareExchange(exchange, type: .topic)
        try admin.declareQueue(schema + ".others", arguments: .quorum())
        try admin.bindQueue(schema + ".others", to: exchange, routingKey: "#")

        service = try ServiceHost.prepare(
            configuration: configuration, logger: Logger(label: prefix, level: .debug, sink: logs), build: build)
        let runner = service.runner
        let finished = finished
        Thread {
            _ = runner.run()
            finished.signal()
        }.start()
        let server = service.server
        let deadline = ContinuousClock.now + .seconds(10)
        while server.port == nil && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
        baseURL = server.port.map { "http://127.0.0.1:\($0)" } ?? ""
        guard server.port != nil else {
            stop()
            throw ServiceDidNotStart(schema: schema)
        }
    }

    /// Stops the service and removes its schema, queues and exchange.
    public func stop() {
        service.runner.stopSignal.stop()
        finished.wait()
        if let connection = try? AMQPConnection(settings: service.context.amqpSettings) {
            for suffix in [".events", ".others"]
                + service.context.configuration.eventRetryDelays.map({
                    ".events.retry.\($0.wholeMilliseconds)ms"
                })
            {
                try? connection.deleteQueue(schema + suffix)
            }
            try? connection.deleteExchange(exchange)
            connection.close()
        }
        _ = try? service.context.pool.withConnection { try $0.execute("DROP SCHEMA \(schema) CASCADE") }
        service.context.pool.close()
    }

    /// Sends a request, with a JSON body when `json` is given and a bearer token when `token` is.
    public func send(
        _ method: String, _ path: String, token: String? = nil, json: Any? = nil, headers: [(String, String)] = []
    ) throws -> HTTPClient.Response {
        var allHeaders = headers
        if let token { allHeaders.append(("Authorization", "Bearer \(token)")) }
        var body = Data()
        if let json {
            allHeaders.append(("Content-Type", "application/json"))
            body = try JSONSerialization.data(withJSONObject: json)
        }
        return try client.send(method, baseURL + path, headers: allHeaders, body: body)
    }

    /// Publishes `event` on the service's exchange, as its producer would.
    public func publish<Event: DomainEvent>(_ event: Event, producer: String = "test") throws {
        let connection = try AMQPConnection(settings: service.context.amqpSettings)
        defer { connection.close() }
        let envelope = EventEnvelope(event, producer: producer)
        try AMQPPublisher(connection: connection).publish([
            OutgoingMessage(
                exchange: exchange, routingKey: Event.type, body: try EventCoding.encoder().encode(envelope),
                messageID: envelope.id.uuidString)
        ])
    }

    /// The outbox rows of `Event`'s type, decoded, oldest first.
    public func outboxEvents<Event: DomainEvent>(_ type: Event.Type) throws -> [EventEnvelope<Event>] {
        try service.context.pool.withConnection { connection in
            try connection.query(
                "SELECT payload FROM \(schema).outbox WHERE event_type = $1 ORDER BY position", Event.type
            ).map { try EventCoding.decoder().decode(EventEnvelope<Event>.self, from: try $0.decode(Data.self, at: 0)) }
        }
    }
}

/// The service's HTTP server did not start listening.
public struct ServiceDidNotStart: Error, CustomStringConvertible {
    public var schema: String
    public var description: String { "the HTTP server of \(schema) did not start" }
}
