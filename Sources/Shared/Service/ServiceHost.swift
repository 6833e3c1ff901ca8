import Foundation

/// What a service adds to the platform.
public struct ServiceComponents: Sendable {
    /// The service's own migrations, numbered from 100 (the platform's tables take the numbers below).
    public var migrations: [Migration]
    /// The events the service consumes, each with its handler.
    public var handlers: [EventHandler]
    /// Adds the service's endpoints.
    public var routes: @Sendable (inout Router) -> Void
    /// Long-running parts beyond the HTTP server, relay and consumer (schedulers, say).
    public var parts: [any ServicePart]
    /// Runs once the schema is migrated and before any part starts (to create a first account, say).
    public var startup: @Sendable () throws -> Void
    /// The service's daily jobs, run once per day across replicas; vendor support may also run one
    /// for a chosen day with `POST /admin/jobs/{name}/runs`.
    public var jobs: [ScheduledJob]
    /// The time the jobs go by; tests set it.
    public var clock: @Sendable () -> Date

    public init(
        migrations: [Migration] = [], handlers: [EventHandler] = [], parts: [any ServicePart] = [],
        jobs: [ScheduledJob] = [], clock: @escaping @Sendable () -> Date = { Date() },
        startup: @escaping @Sendable () throws -> Void = {},
        routes: @escaping @Sendable (inout Router) -> Void = { _ in }
    ) {
        self.migrations = migrations
        self.handlers = handlers
        self.parts = parts
        self.jobs = jobs
        self.clock = clock
        self.startup = startup
        self.routes = routes
    }
}

/// Starts a service: reads its settings, migrates its schema, declares its queues, then runs the
/// HTTP server, the outbox relay, the event consumer and the service's own parts until SIGTERM.
public enum ServiceHost {
    /// Runs service `name` and exits with its status; `build` supplies what is the service's own.
    public static func main(
        name: String, defaultPort: Int, build: (ServiceContext) throws -> ServiceComponents
    ) -> Never {
        ServiceRunner.blockTerminationSignals()
        let bootstrapLogger = Logger(label: name)
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "generate-keys" {
            let signing = Ed25519.PrivateKey.generate()
            let seal = SealedBox.KeyPair.generate()
            print(
                """
                JWT_SIGNING_KEY=\(signing.base64URLSeed)
                JWT_PUBLIC_KEY=\(signing.publicKey.base64URL)
                MAIL_SEAL_SECRET_KEY=\(Sodium.base64URLEncode(seal.secretKey))
                MAIL_SEAL_PUBLIC_KEY=\(Sodium.base64URLEncode(seal.publicKey))
                """)
            exit(0)
        }
        do {
            let configuration = try ServiceConfiguration(name: name, defaultPort: defaultPort)
            var logger = bootstrapLogger
            logger.level = configuration.logLevel
            let service = try prepare(configuration: configuration, logger: logger, build: build)
            logger.notice("Service started", metadata: ["http.port": "\(configuration.http.port)"])
            let status = service.runner.runUntilSignalled()
            logger.notice("Service stopped", metadata: ["exit.status": "\(status)"])
            exit(status)
        } catch {
            bootstrapLogger.error("Service could not start", metadata: ["error": "\(error)"])
            exit(1)
        }
    }

    /// Builds everything a service runs, migrates its schema and declares its queues; returns the
    /// runner that starts the parts. Tests call this to run a service inside their own process.
    public static func prepare(
        configuration: ServiceConfiguration, logger: Logger, build: (ServiceContext) throws -> ServiceComponents
    ) throws -> PreparedService {
        let context = try ServiceContext(configuration: configuration, logger: logger)
        let components = try build(context)
        let schema = configuration.name

        try MigrationRunner(
            schema: schema, migrations: PlatformSchema.migrations + components.migrations, logger: logger
        ).run(using: context.pool)

        try components.startup()
        try context.pool.withConnection { try context.revokedUsers.reload(on: $0) }

        let handlers = EventHandler.merging(context.revokedUsers.handlers, components.handlers)
        let messagingMetrics = MessagingMetrics(registry: context.metrics)
        let topology = EventTopology(
            service: schema, eventsExchange: configuration.eventsExchange,
            bindings: handlers.map { ($0.exchange ?? configuration.eventsExchange, $0.eventType) },
            retryDelays: configuration.eventRetryDelays)
        let connection = try AMQPConnection(settings: context.amqpSettings, logger: logger)
        defer { connection.close() }
        if configuration.declaresSystemTopology {
            try SystemTopology.declare(on: connection, eventsExchange: configuration.eventsExchange)
        }
        try topology.declare(on: connection)

        var router = Router()
        router.addStandardEndpoints(metrics: context.metrics, readiness: readinessChecks(context))
        addParkedEventEndpoints(
            to: &router, context: context,
            parked: ParkedEvents(schema: schema, outbox: context.outbox, topology: topology))
        components.routes(&router)
        var jobParts: [any ServicePart] = []
        if !components.jobs.isEmpty {
            let jobs = JobOperations(context: context, jobs: components.jobs, clock: components.clock)
            jobParts.append(try jobs.scheduler(instance: JobScheduler.defaultInstance))
            jobs.addEndpoint(to: &router)
        }

        let outbox = context.outbox
        let pool = context.pool
        context.metrics.gauge("outbox_backlog", help: "Outbox rows not yet confirmed by the broker.") {
            Double((try? pool.withConnection { try outbox.backlog(on: $0) }) ?? -1)
        }

        let server = HTTPServer(
            name: "http", configuration: configuration.http, router: router, metrics: context.metrics, logger: logger)
        let parts: [any ServicePart] = [
            server,
            OutboxRelay(
                outbox: context.outbox, pool: context.pool, databaseURL: configuration.databaseURL,
                amqpSettings: context.amqpSettings, batchSize: configuration.outboxBatchSize,
                pollInterval: configuration.outboxPollInterval, metrics: messagingMetrics, logger: logger),
            EventConsumer(
                schema: schema, topology: topology, handlers: handlers, pool: context.pool,
                amqpSettings: context.amqpSettings, prefetch: configuration.eventPrefetch,
                metrics: messagingMetrics, logger: logger),
            RevokedUsersRefresher(revoked: context.revokedUsers, pool: context.pool, logger: logger),
        ]
        return PreparedService(
            runner: ServiceRunner(logger: logger, parts: parts + jobParts + components.parts), server: server,
            context: context,
            endpoints: router.endpoints)
    }

    private static func readinessChecks(_ context: ServiceContext) -> [ReadinessCheck] {
        let pool = context.pool
        let settings = context.amqpSettings
        return [
            ReadinessCheck(name: "database") { _ = try pool.withConnection { try $0.query("SELECT 1") } },
            ReadinessCheck(name: "broker") { try AMQPConnection(settings: settings).close() },
        ]
    }

    private static func addParkedEventEndpoints(to router: inout Router, context: ServiceContext, parked: ParkedEvents)
    {
        let pool = context.pool
        router.group(middleware: [context.requireToken, context.requireVendorRole(.support)]) { admin in
            admin.get("/admin/parked-events") { request in
                let limit = min(max(Int(request.query["limit"] ?? "") ?? 100, 1), 1000)
                let offset = max(Int(request.query["offset"] ?? "") ?? 0, 0)
                let includeReplayed = request.query["includeReplayed"] == "true"
                let events = try pool.withConnection {
                    try parked.list(includeReplayed: includeReplayed, limit: limit, offset: offset, on: $0)
                }
                return try .json(ParkedEventPage(items: events, limit: limit, offset: offset))
            }
            admin.post("/admin/parked-events/{id}/replay") { request in
                guard let id = Int64(try request.pathParameter("id")) else {
                    throw HTTPError.notFound("No parked event has that id.")
                }
                guard try pool.withTransaction({ try parked.replay(id: id, on: $0) }) else {
                    throw HTTPError.notFound("No parked event with id \(id) is waiting to be replayed.")
                }
                return .noContent()
            }
        }
    }
}

/// A service ready to run: its runner, and the HTTP server and context for tests to reach.
public struct PreparedService: Sendable {
    /// Starts and stops every part.
    public let runner: ServiceRunner
    /// The HTTP server, whose ``HTTPServer/port`` is known once it runs.
    public let server: HTTPServer
    /// The service's settings, database, outbox and metrics.
    public let context: ServiceContext
    /// Every method and path the service answers, for checking against its OpenAPI document.
    public let endpoints: [Router.Endpoint]
}

/// One page of parked events.
struct ParkedEventPage: Codable, Sendable {
    var items: [ParkedEvent]
    var limit: Int
    var offset: Int
}
