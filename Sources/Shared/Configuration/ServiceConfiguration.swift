import Foundation

/// The settings every service reads from its environment, with defaults that run on one machine.
public struct ServiceConfiguration: Sendable {
    /// The service's name (`identity`), which is also its database schema and the prefix of its queues.
    public var name: String
    public var logLevel: Logger.Level
    /// The HTTP server's address, threads, limits and time-outs (`HTTP_*`).
    public var http: HTTPServer.Configuration
    public var databaseURL: String
    public var databasePoolSize: Int
    public var databasePoolTimeout: Duration
    public var amqpURL: String
    /// The topic exchange of the domain events.
    public var eventsExchange: String
    /// The exchange on which other systems publish PAT events.
    public var patExchange: String
    /// How many messages a consumer may hold unacknowledged.
    public var eventPrefetch: Int
    /// The delays before each retry of a failed event; after the last one it is parked.
    public var eventRetryDelays: [Duration]
    /// How long the outbox relay sleeps when no notification wakes it.
    public var outboxPollInterval: Duration
    /// How many outbox rows the relay publishes in one batch of confirms.
    public var outboxBatchSize: Int
    /// Whether the service declares every service's queue and bindings at start (``SystemTopology``);
    /// off only for tests that run a service on an exchange of their own.
    public var declaresSystemTopology: Bool
    /// The audience that access tokens must name.
    public var jwtAudience: String
    /// Identity's public key (base64url), with which every service verifies access tokens.
    public var jwtPublicKey: String?

    /// Reads the settings of service `name`, listening on `defaultPort` unless told otherwise.
    public init(name: String, defaultPort: Int, environment: Environment = Environment()) throws(ConfigurationError) {
        self.name = name
        logLevel = try environment.logLevel("LOG_LEVEL", default: .info)
        http = try HTTPServer.Configuration(
            environment: environment, defaults: HTTPServer.Configuration(port: defaultPort))
        databaseURL = environment.string(
            "DATABASE_URL", default: "postgresql://\(name):support@127.0.0.1:5432/support")
        databasePoolSize = try environment.integer("DATABASE_POOL_SIZE", default: 10, in: 1...500)
        databasePoolTimeout = try environment.milliseconds("DATABASE_POOL_TIMEOUT_MS", default: .seconds(5))
        amqpURL = environment.string("AMQP_URL", default: "amqp://guest:guest@127.0.0.1:5672/")
        eventsExchange = environment.string("EVENTS_EXCHANGE", default: "support.events")
        patExchange = environment.string("PAT_EXCHANGE", default: "pat.events")
        eventPrefetch = try environment.integer("EVENT_PREFETCH", default: 32, in: 1...10_000)
        eventRetryDelays = try environment.millisecondList(
            "EVENT_RETRY_DELAYS_MS", default: [.seconds(1), .seconds(10), .seconds(60)])
        outboxPollInterval = try environment.milliseconds("OUTBOX_POLL_INTERVAL_MS", default: .seconds(1))
        outboxBatchSize = try environment.integer("OUTBOX_BATCH_SIZE", default: 500, in: 1...10_000)
        declaresSystemTopology = try environment.bool("DECLARE_SYSTEM_TOPOLOGY", default: true)
        jwtAudience = environment.string("JWT_AUDIENCE", default: "support")
        jwtPublicKey = environment["JWT_PUBLIC_KEY"]
    }
}
