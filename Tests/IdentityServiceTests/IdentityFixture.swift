import Foundation
import Synchronization
import Testing

@testable import IdentityService
@testable import Shared

/// A clock the tests move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date()) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(days: Int) {
        current.withLock { $0 = $0.addingTimeInterval(Double(days) * 86_400) }
    }

    func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}

/// Identity run in-process on a schema and an exchange of its own, with its own keys and a
/// clock the test controls. The first support account is `support@vendor.test`.
final class IdentityFixture: Sendable {
    static let databaseURL =
        ProcessInfo.processInfo.environment["TEST_DATABASE_URL"]
        ?? "postgresql://support_admin:support_admin@127.0.0.1:5432/support"
    static let amqpURL = ProcessInfo.processInfo.environment["TEST_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/"
    static let supportEmail = "support@vendor.test"
    static let supportPassword = "correct horse battery staple"

    let schema = "idtest_" + UUID().uuidString.prefix(8).lowercased()
    let exchange: String
    let signingKey = Ed25519.PrivateKey.generate()
    let mailKeys = SealedBox.KeyPair.generate()
    let clock: TestClock
    let logs = MemoryLogSink()
    let service: PreparedService
    let identity: IdentityService
    let client = HTTPClient(timeout: .seconds(20))
    let baseURL: String
    private let finished = DispatchSemaphore(value: 0)

    init(clock: TestClock = TestClock(), extraEnvironment: [String: String] = [:]) throws {
        self.clock = clock
        exchange = "test." + schema
        var values = [
            "DATABASE_URL": Self.databaseURL, "AMQP_URL": Self.amqpURL, "HTTP_PORT": "0", "EVENTS_EXCHANGE": exchange,
            "EVENT_RETRY_DELAYS_MS": "50", "JWT_PUBLIC_KEY": signingKey.publicKey.base64URL,
            "JWT_SIGNING_KEY": signingKey.base64URLSeed, "MAIL_SEAL_PUBLIC_KEY": Sodium.base64URLEncode(mailKeys.publicKey),
            "PASSWORD_HASH_OPERATIONS": "1", "PASSWORD_HASH_MEMORY_KIB": "8",
            "BOOTSTRAP_SUPPORT_EMAIL": Self.supportEmail, "BOOTSTRAP_SUPPORT_PASSWORD": Self.supportPassword,
            "DECLARE_SYSTEM_TOPOLOGY": "false",
        ]
        values.merge(extraEnvironment) { _, new in new }
        let environment = Environment(values)
        let configuration = try ServiceConfiguration(name: schema, defaultPort: 0, environment: environment)
        let identityConfiguration = try IdentityConfiguration(environment: environment)
        let logger = Logger(label: "identity", level: .debug, sink: logs)
        // The other services' queues, on this test's own exchange: one queue takes every event.
        let admin = try AMQPConnection(settings: try AMQPConnectionSettings(url: Self.amqpURL))
        defer { admin.close() }
        try admin.declareExchange(exchange, type: .topic)
        try admin.declareQueue(schema + ".others", arguments: .quorum())
        try admin.bindQueue(schema + ".others", to: exchange, routingKey: "#")
        var built: IdentityService?
        service = try ServiceHost.prepare(configuration: configuration, logger: logger) { context in
            let identity = IdentityService(
                context: context, configuration: identityConfiguration, clock: { clock.now })
            built = identity
            return try identity.components()
        }
        identity = built!
        let runner = service.runner
        let finished = finished
        Thread {
            _ = runner.run()
            finished.signal()
        }.start()
        let server = service.server
        let deadline = ContinuousClock.now + .seconds(10)
        while server.port == nil && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
        baseURL = "http://127.0.0.1:\(try #require(server.port))"
    }

    /// Stops the service and removes its schema, queues and exchange.
    func stop() {
        service.runner.stopSignal.stop()
        finished.wait()
        if let connection = try? AMQPConnection(settings: service.context.amqpSettings) {
            try? connection.deleteQueue(schema + ".events")
            try? connection.deleteQueue(schema + ".others")
            try? connection.deleteQueue(schema + ".events.retry.50ms")
            try? connection.deleteExchange(exchange)
            connection.close()
        }
        _ = try? service.context.pool.withConnection { try $0.execute("DROP SCHEMA \(schema) CASCADE") }
        service.context.pool.close()
    }

    /// Sends a request, with a JSON body when `json` is given and a bearer token when `token` is.
    func send(
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

    /// The response's body as a JSON object.
    static func object(_ response: HTTPClient.Response) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any], "\(response.text)")
    }

    /// The rows of the outbox of event type `type`, decoded as `Event`, oldest first.
    func outboxEvents<Event: DomainEvent>(_ type: Event.Type) throws -> [EventEnvelope<Event>] {
        try service.context.pool.withConnection { connection in
            try connection.query(
                "SELECT payload FROM \(schema).outbox WHERE event_type = $1 ORDER BY position", Event.type
            ).map { try EventCoding.decoder().decode(EventEnvelope<Event>.self, from: try $0.decode(Data.self, at: 0)) }
        }
    }

    /// The UserRegistered events of the outbox, less the first support account's made at start.
    func registrations() throws -> [EventEnvelope<UserRegistered>] {
        try outboxEvents(UserRegistered.self).filter { $0.data.user.email != Self.supportEmail }
    }
}
