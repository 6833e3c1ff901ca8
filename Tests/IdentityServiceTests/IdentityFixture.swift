import Foundation
import Synchronization
import TestSupport
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
    static let supportEmail = "support@vendor.test"
    static let supportPassword = "correct horse battery staple"

    let signingKey = Ed25519.PrivateKey.generate()
    let mailKeys = SealedBox.KeyPair.generate()
    let clock: TestClock
    let running: InProcessService
    let identity: IdentityService

    var schema: String { running.schema }
    var exchange: String { running.exchange }
    var service: PreparedService { running.service }
    var logs: MemoryLogSink { running.logs }

    init(clock: TestClock = TestClock(), extraEnvironment: [String: String] = [:]) throws {
        self.clock = clock
        var values = [
            "JWT_PUBLIC_KEY": signingKey.publicKey.base64URL, "JWT_SIGNING_KEY": signingKey.base64URLSeed,
            "MAIL_SEAL_PUBLIC_KEY": Sodium.base64URLEncode(mailKeys.publicKey),
            "PASSWORD_HASH_OPERATIONS": "1", "PASSWORD_HASH_MEMORY_KIB": "8",
            "BOOTSTRAP_SUPPORT_EMAIL": Self.supportEmail, "BOOTSTRAP_SUPPORT_PASSWORD": Self.supportPassword,
        ]
        values.merge(extraEnvironment) { _, new in new }
        let identityConfiguration = try IdentityConfiguration(environment: Environment(values))
        var built: IdentityService?
        running = try InProcessService(prefix: "idtest", environment: values) { context in
            let identity = IdentityService(context: context, configuration: identityConfiguration, clock: { clock.now })
            built = identity
            return try identity.components()
        }
        identity = built!
    }

    /// Stops the service and removes its schema, queues and exchange.
    func stop() {
        running.stop()
    }

    /// Sends a request, with a JSON body when `json` is given and a bearer token when `token` is.
    func send(
        _ method: String, _ path: String, token: String? = nil, json: Any? = nil, headers: [(String, String)] = []
    ) throws -> HTTPClient.Response {
        try running.send(method, path, token: token, json: json, headers: headers)
    }

    /// The rows of the outbox of event type `type`, decoded as `Event`, oldest first.
    func outboxEvents<Event: DomainEvent>(_ type: Event.Type) throws -> [EventEnvelope<Event>] {
        try running.outboxEvents(type)
    }

    /// The response's body as a JSON object.
    static func object(_ response: HTTPClient.Response) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any], "\(response.text)")
    }

    /// The UserRegistered events of the outbox, less the first support account's made at start.
    func registrations() throws -> [EventEnvelope<UserRegistered>] {
        try outboxEvents(UserRegistered.self).filter { $0.data.user.email != Self.supportEmail }
    }
}
