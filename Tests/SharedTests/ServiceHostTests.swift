import Foundation
import TestSupport
import Testing

@testable import Shared

/// A whole service run in-process on a schema and exchange of its own, with a key to sign tokens.
final class ServiceFixture: Sendable {
    let key = Ed25519.PrivateKey.generate()
    let running: InProcessService

    var schema: String { running.schema }
    var exchange: String { running.exchange }
    var service: PreparedService { running.service }

    init(handlers: [EventHandler] = []) throws {
        running = try InProcessService(
            prefix: "svctest", environment: ["JWT_PUBLIC_KEY": key.publicKey.base64URL, "JWT_AUDIENCE": "support"]
        ) { _ in ServiceComponents(handlers: handlers) }
    }

    func stop() {
        running.stop()
    }

    /// A token for `role` (or a plain client user), signed with `key` (the service's own unless told).
    func token(
        role: VendorRole?, key: Ed25519.PrivateKey? = nil, audience: Audience = "support",
        issuedAt: Date = Date(), lifetime: Duration = .seconds(300), userID: UUID = UUID(),
        mustChangePassword: Bool = false
    ) throws -> String {
        let claims = AccessClaims(
            userID: userID, audience: audience, issuedAt: issuedAt, lifetime: lifetime,
            clientCode: role == nil ? "ABS" : nil, isManager: role == nil, vendorRole: role,
            mustChangePassword: mustChangePassword)
        return try JSONWebToken.sign(claims: claims, key: key ?? self.key)
    }

    /// Publishes `event` on the service's exchange, as Identity would.
    func publish<Event: DomainEvent>(_ event: Event) throws {
        try running.publish(event, producer: "identity")
    }

    func send(_ method: String, _ path: String, token: String?) throws -> HTTPClient.Response {
        try running.send(method, path, token: token)
    }
}

@Suite(.serialized)
struct ServiceHostTests {
    @Test func aServiceServesHealthReadinessAndMetrics() throws {
        let fixture = try ServiceFixture()
        defer { fixture.stop() }

        #expect(try fixture.send("GET", "/healthz", token: nil).status == 200)
        let ready = try fixture.send("GET", "/readyz", token: nil)
        #expect(ready.status == 200, "\(ready.text)")
        let metrics = try fixture.send("GET", "/metrics", token: nil).text
        #expect(metrics.contains("outbox_backlog 0"))
        #expect(metrics.contains("http_requests_total{"))
    }

    @Test(arguments: [
        ("no token", 401), ("expired", 401), ("another key", 401), ("wrong audience", 401), ("client manager", 403),
        ("technician", 403), ("support", 200),
    ])
    func onlyVendorSupportListsParkedEvents(caller: String, expected: Int) throws {
        let fixture = try ServiceFixture()
        defer { fixture.stop() }
        let token: String? =
            switch caller {
            case "no token": nil
            case "expired": try fixture.token(role: .support, issuedAt: Date().addingTimeInterval(-3600))
            case "another key": try fixture.token(role: .support, key: .generate())
            case "wrong audience": try fixture.token(role: .support, audience: "elsewhere")
            case "client manager": try fixture.token(role: nil)
            case "technician": try fixture.token(role: .technician)
            default: try fixture.token(role: .support)
            }

        let response = try fixture.send("GET", "/admin/parked-events", token: token)
        #expect(response.status == expected, "\(response.text)")
        if expected != 200 {
            #expect(response.headers["Content-Type"] == "application/problem+json")
        }
    }

    @Test func anOperatorSeesAParkedEventWithItsReasonAndReplaysItOnce() throws {
        let fixture = try ServiceFixture(handlers: [.on(Ping.self) { _, _ in }])
        defer { fixture.stop() }
        let support = try fixture.token(role: .support)

        let connection = try AMQPConnection(settings: fixture.service.context.amqpSettings)
        defer { connection.close() }
        let wrongType = rawEnvelope(data: #"{"number":"seven"}"#)
        try AMQPPublisher(connection: connection).publish([
            OutgoingMessage(exchange: fixture.exchange, routingKey: Ping.type, body: wrongType, messageID: "m-1")
        ])

        var page: [String: Any] = [:]
        let parked = try eventually {
            page = try HTTPTestServer.object(try fixture.send("GET", "/admin/parked-events", token: support))
            return (page["items"] as? [[String: Any]])?.count == 1
        }
        #expect(parked)
        let item = try #require((page["items"] as? [[String: Any]])?.first)
        #expect(item["reason"] as? String == "field data.number is not a Int")
        #expect(item["messageId"] as? String == "m-1")
        let id = try #require(item["id"] as? Int)

        #expect(try fixture.send("POST", "/admin/parked-events/\(id)/replay", token: support).status == 204)
        #expect(try fixture.send("POST", "/admin/parked-events/\(id)/replay", token: support).status == 404)
        #expect(try fixture.send("POST", "/admin/parked-events/nope/replay", token: support).status == 404)
        let waiting = try HTTPTestServer.object(try fixture.send("GET", "/admin/parked-events", token: support))
        let waitingIDs = (waiting["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        #expect(!waitingIDs.contains(id), "a replayed event no longer waits")
        // Replayed, the event fails the same way and is parked again as a new entry; the first is kept.
        let parkedAgain = try eventually {
            let all = try HTTPTestServer.object(
                try fixture.send("GET", "/admin/parked-events?includeReplayed=true", token: support))
            let items = all["items"] as? [[String: Any]] ?? []
            return items.count == 2 && items.filter { $0["replayedAt"] != nil }.map { $0["id"] as? Int } == [id]
        }
        #expect(parkedAgain)
    }

    @Test func aUserThatMustChangeItsPasswordIsRefusedWithAProblemThatSaysSo() throws {
        let fixture = try ServiceFixture()
        defer { fixture.stop() }

        let response = try fixture.send(
            "GET", "/admin/parked-events", token: try fixture.token(role: .support, mustChangePassword: true))
        #expect(response.status == 403)
        let problem = try HTTPTestServer.object(response)
        #expect(problem["type"] as? String == "/problems/must-change-password")
    }

    @Test func theTokensOfADeactivatedUserAreRefusedOnceTheEventArrivesAndAcceptedAfterReactivation() throws {
        let fixture = try ServiceFixture()
        defer { fixture.stop() }
        let userID = UUID()
        let token = try fixture.token(role: .support, userID: userID)
        #expect(try fixture.send("GET", "/admin/parked-events", token: token).status == 200)

        try fixture.publish(UserDeactivated(userId: userID, clientCode: nil))
        let refused = try eventually(timeout: .seconds(5)) {
            try fixture.send("GET", "/admin/parked-events", token: token).status == 401
        }
        #expect(refused)

        let summary = UserSummary(
            userId: userID, clientCode: nil, vendorRole: .support, code: "S1", name: "Suporte", email: "s@vendor.test",
            isManager: false, isApprover: false, activeUntil: nil)
        try fixture.publish(UserReactivated(user: summary))
        let accepted = try eventually(timeout: .seconds(5)) {
            try fixture.send("GET", "/admin/parked-events", token: token).status == 200
        }
        #expect(accepted)
    }
}

struct SystemTopologyTests {
    @Test(arguments: [
        ClientRegistered.type, ClientUpdated.type, UserRegistered.type, InitialPasswordIssued.type, UserUpdated.type,
        UserFlagsChanged.type, UserDeleted.type, UserDeactivated.type, UserReactivated.type, PasswordChanged.type,
        InactivationWarningDue.type,
    ])
    func everyEventTypeHasAConsumingService(type: String) {
        #expect(SystemTopology.consumers.values.contains { $0.contains(type) })
    }

    @Test func everyServiceRefusesTheTokensOfUsersNoLongerActive() {
        for service in ["identity", "boleta", "approval", "mail"] {
            let keys = SystemTopology.consumers[service] ?? []
            #expect(keys.contains(UserDeactivated.type) && keys.contains(UserDeleted.type), "\(service)")
        }
    }
}
