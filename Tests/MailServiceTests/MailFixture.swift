import Foundation
import TestSupport
import Testing

@testable import MailService
@testable import Shared

/// Mail run in-process on a schema and an exchange of its own, delivering to an SMTP sink of the
/// test's own, with the keys Identity would hold: the one that signs access tokens and Mail's
/// sealed-box public key.
final class MailFixture: Sendable {
    let signingKey = Ed25519.PrivateKey.generate()
    let sealKeys = SealedBox.KeyPair.generate()
    let running: InProcessService
    let mail: MailService

    var schema: String { running.schema }
    var service: PreparedService { running.service }
    var logs: MemoryLogSink { running.logs }
    var pool: PostgresPool { service.context.pool }

    /// Starts Mail delivering to `smtpPort`, with quick retries and signature requests sent at once.
    init(smtpPort: Int, extraEnvironment: [String: String] = [:]) throws {
        var values = [
            "JWT_PUBLIC_KEY": signingKey.publicKey.base64URL, "SMTP_URL": "smtp://127.0.0.1:\(smtpPort)",
            "MAIL_FROM": "suporte@fornecedor.example", "MAIL_FROM_NAME": "Suporte Técnico",
            "MAIL_SEAL_SECRET_KEY": Sodium.base64URLEncode(sealKeys.secretKey),
            "MAIL_SEAL_PUBLIC_KEY": Sodium.base64URLEncode(sealKeys.publicKey), "MAIL_RETRY_BASE_MS": "150",
            "MAIL_RETRY_MAX_MS": "600", "MAIL_POLL_INTERVAL_MS": "100", "SMTP_TIMEOUT_MS": "5000",
            // Signature requests go at once unless a test is about their grace period (R24).
            "MAIL_SIGNATURE_REQUEST_DELAY_MS": "0",
        ]
        values.merge(extraEnvironment) { _, new in new }
        let environment = values
        var built: MailService?
        running = try InProcessService(prefix: "mltest", environment: values) { context in
            let mail = MailService(
                context: context, configuration: try MailConfiguration(environment: Environment(environment)))
            built = mail
            return mail.components()
        }
        mail = built!
    }

    func stop() {
        running.stop()
    }

    /// An access token Identity would issue for these claims.
    func token(
        userID: UUID = UUID(), clientCode: String? = nil, isManager: Bool = false, isApprover: Bool = false,
        vendorRole: VendorRole? = nil
    ) throws -> String {
        try JSONWebToken.sign(
            claims: AccessClaims(
                userID: userID, audience: "support", issuedAt: Date(), lifetime: .seconds(600), clientCode: clientCode,
                isManager: isManager, isApprover: isApprover, vendorRole: vendorRole),
            key: signingKey)
    }

    /// Sends a request, with a JSON body when `json` is given and a bearer token when `token` is.
    func send(_ method: String, _ path: String, token: String? = nil, json: Any? = nil) throws -> HTTPClient.Response {
        try running.send(method, path, token: token, json: json)
    }

    /// Publishes `envelope` on Mail's exchange as it is, so that a test can send the same event twice.
    func publish<Event: DomainEvent>(_ envelope: EventEnvelope<Event>) throws {
        let connection = try AMQPConnection(settings: service.context.amqpSettings)
        defer { connection.close() }
        try AMQPPublisher(connection: connection).publish([
            OutgoingMessage(
                exchange: running.exchange, routingKey: Event.type, body: try EventCoding.encoder().encode(envelope),
                messageID: envelope.id.uuidString)
        ])
    }

    /// Publishes `event` in a new envelope and returns the envelope.
    @discardableResult
    func publish<Event: DomainEvent>(_ event: Event, producer: String = "test") throws -> EventEnvelope<Event> {
        let envelope = EventEnvelope(event, producer: producer)
        try publish(envelope)
        return envelope
    }

    /// Writes `user` into Mail's directory as the handler of Identity's events does.
    func know(_ user: UserSummary) throws {
        try pool.withConnection { try MailDirectory.saveUser(user, reactivating: false, on: $0) }
    }

    /// Writes a client into Mail's directory as the handler of Identity's events does.
    func knowClient(code: String, name: String, timeZone: String = "America/Sao_Paulo") throws {
        try pool.withConnection {
            try DirectoryCopy.saveClient(code: code, name: name, timeZone: timeZone, isActive: nil, on: $0)
        }
    }

    /// Runs `sql` on Mail's schema and returns the rows.
    @discardableResult
    func sql(_ sql: String, _ parameters: (any PostgresEncodable)?...) throws -> PostgresRows {
        try pool.withConnection { try $0.query(sql, parameters: parameters) }
    }

    /// The stored messages made for event `eventID`.
    func messages(forEvent eventID: UUID) throws -> [StoredMessage] {
        try pool.withConnection {
            try MessageStore.list(MessageFilter(eventID: eventID), limit: 100, offset: 0, on: $0)
        }
    }

    /// Waits until `condition` holds, or `timeout` passed; answers whether it held.
    @discardableResult
    func waitUntil(timeout: Duration = .seconds(20), _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try condition()
    }

    /// Waits until event `eventID` made `count` stored messages.
    func waitForStored(_ count: Int, forEvent eventID: UUID) throws -> [StoredMessage] {
        try waitUntil { try messages(forEvent: eventID).count >= count }
        return try messages(forEvent: eventID)
    }
}

/// The people and client of the tests, with accented names.
enum People {
    static let clientCode = "ABS"
    static let clientName = "Açúcar & Café Indústria Ltda"

    static func user(
        _ name: String, email: String, code: String = "001", clientCode: String? = People.clientCode,
        vendorRole: VendorRole? = nil, isManager: Bool = false, isApprover: Bool = false,
        activeUntil: String? = "2027-03-01"
    ) -> UserSummary {
        UserSummary(
            userId: UUID(), clientCode: vendorRole == nil ? clientCode : nil, vendorRole: vendorRole, code: code,
            name: name, email: email, isManager: isManager, isApprover: isApprover,
            activeUntil: vendorRole == nil ? activeUntil : nil)
    }
}
