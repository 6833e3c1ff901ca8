import Foundation
import TestSupport
import Testing

@testable import BoletaService
@testable import Shared

/// Approval's decisions and resolutions as Boleta shows them beside a boleta and filters its service
/// report on (R27, R28).
@Suite(.serialized)
struct ApprovalOutcomeTests {
    static let decidedAt = Date(timeIntervalSince1970: 1_165_200_000)

    /// Publishes `event` as Approval would and waits until Boleta handled it.
    static func publish<Event: DomainEvent>(_ event: Event, to world: RecordingWorld) throws {
        let connection = try AMQPConnection(settings: world.fixture.service.context.amqpSettings)
        defer { connection.close() }
        let envelope = EventEnvelope(event, producer: "approval")
        try AMQPPublisher(connection: connection).publish([
            OutgoingMessage(
                exchange: world.fixture.exchange, routingKey: Event.type,
                body: try EventCoding.encoder().encode(envelope), messageID: envelope.id.uuidString)
        ])
        let handled = try PatTestSupport.eventually {
            try !world.sql("SELECT 1 FROM inbox WHERE event_id = $1", envelope.id).isEmpty
                || !world.sql("SELECT 1 FROM parked_event WHERE event_id = $1", envelope.id).isEmpty
        }
        try #require(handled, "\(Event.type) handled")
    }

    static func granted(_ number: Int64, _ world: RecordingWorld, at time: Date = decidedAt) -> ApprovalGranted {
        ApprovalGranted(
            number: number, clientCode: "ABS", approverUserId: world.approver, observation: "Conferido",
            decidedAt: time)
    }

    /// The boleta as `GET /boletas/{number}` answers it to vendor support.
    static func view(_ number: Int64, _ world: RecordingWorld) throws -> [String: Any] {
        let token = try world.supportToken()
        let response = try world.fixture.send("GET", "/boletas/\(number)", token: token)
        try #require(response.status == 200, "\(response.text)")
        return try world.json(response)
    }

    @Test("R27 the boleta view shows the approver's decision, and a reopening clears it")
    func theViewShowsTheDecision() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let number = try #require(try world.record(world.body())["number"] as? Int64)

        try Self.publish(Self.granted(number, world), to: world)
        let approval = try #require(try Self.view(number, world)["approval"] as? [String: Any])
        #expect(approval["decision"] as? String == "approve")
        #expect(approval["decisionObservation"] as? String == "Conferido")
        #expect(approval["decidedByUserId"] as? String == world.approver.uuidString)

        try Self.publish(
            ApprovalReopened(
                number: number, clientCode: "ABS", approverUserId: world.approver, reason: "Engano",
                reopenedByUserId: UUID(), reopenedAt: Self.decidedAt.addingTimeInterval(60)), to: world)
        let reopened = try Self.view(number, world)["approval"] as? [String: Any]
        #expect(reopened?["decision"] == nil)
        // A decision older than the reopening, arriving late, changes nothing.
        try Self.publish(Self.granted(number, world, at: Self.decidedAt.addingTimeInterval(30)), to: world)
        #expect((try Self.view(number, world)["approval"] as? [String: Any])?["decision"] == nil)

        try Self.publish(
            ApprovalRejected(
                number: number, clientCode: "ABS", approverUserId: world.approver, observation: "Não",
                decidedAt: Self.decidedAt.addingTimeInterval(120)), to: world)
        #expect((try Self.view(number, world)["approval"] as? [String: Any])?["decision"] as? String == "reject")
    }

    @Test("R28 the boleta view shows the resolved nature beside the signed content, which stays as it was")
    func theViewShowsTheResolvedNature() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let recorded = try world.record(world.body(nature: "billed"))
        let number = try #require(recorded["number"] as? Int64)

        try Self.publish(
            DivergenceResolved(
                divergenceId: UUID(), number: number, clientCode: "ABS", originalNature: .billed,
                resolvedNature: .notBilled, note: "Coberto pelo contrato", resolvedByUserId: UUID(),
                resolvedAt: Self.decidedAt), to: world)

        let view = try Self.view(number, world)
        #expect(view["nature"] as? String == "billed")
        #expect(view["contentHash"] as? String == recorded["contentHash"] as? String)
        let approval = try #require(view["approval"] as? [String: Any])
        #expect(approval["resolvedNature"] as? String == "notBilled")
        #expect(approval["resolutionNote"] as? String == "Coberto pelo contrato")
    }

    @Test("R27 R29 the service report filters on the decision and shows it with the resolved nature")
    func theServiceReportFiltersOnTheDecision() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let approved = try #require(try world.record(world.body(workDate: "2006-12-01"))["number"] as? Int64)
        let rejected = try #require(try world.record(world.body(workDate: "2006-12-02"))["number"] as? Int64)
        let pending = try #require(try world.record(world.body(workDate: "2006-12-03"))["number"] as? Int64)
        let notBilled = try #require(
            try world.record(world.body(workDate: "2006-12-04", nature: "notBilled"))["number"] as? Int64)
        let resolvedAway = try #require(try world.record(world.body(workDate: "2006-12-05"))["number"] as? Int64)
        try Self.publish(Self.granted(approved, world), to: world)
        try Self.publish(
            ApprovalRejected(
                number: rejected, clientCode: "ABS", approverUserId: world.approver, observation: "",
                decidedAt: Self.decidedAt), to: world)
        try Self.publish(
            DivergenceResolved(
                divergenceId: UUID(), number: resolvedAway, clientCode: "ABS", originalNature: .billed,
                resolvedNature: .notBilled, note: "x", resolvedByUserId: UUID(), resolvedAt: Self.decidedAt),
            to: world)
        let token = try world.supportToken()
        func numbers(_ query: String) throws -> [Int64] {
            let response = try world.fixture.send("GET", "/reports/service?sort=asc" + query, token: token)
            let items = try #require(try world.json(response)["items"] as? [[String: Any]], "\(response.text)")
            return items.compactMap { $0["number"] as? Int64 }
        }
        #expect(try numbers("&decision=approved") == [approved])
        #expect(try numbers("&decision=rejected") == [rejected])
        #expect(try numbers("&decision=pending") == [pending])
        #expect(try numbers("").count == 5, "\(notBilled) is listed without a decision filter")
        let response = try world.fixture.send("GET", "/reports/service?sort=asc", token: token)
        let rows = try #require(try world.json(response)["items"] as? [[String: Any]])
        #expect(rows.first?["decision"] as? String == "approve")
        #expect(rows.last?["resolvedNature"] as? String == "notBilled")
        let invalid = try world.fixture.send("GET", "/reports/service?decision=maybe", token: token)
        #expect(try world.invalidFields(invalid) == ["decision"])
    }

    @Test("R14 an outcome for a boleta Boleta does not have, or of another client, is parked with the reason")
    func anOutcomeForNoSuchBoletaIsParked() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let number = try #require(try world.record(world.body())["number"] as? Int64)
        try Self.publish(Self.granted(999_999_999, world), to: world)
        var foreign = Self.granted(number, world)
        foreign.clientCode = "XYZ"
        try Self.publish(foreign, to: world)
        let reasons = try world.sql("SELECT reason FROM parked_event ORDER BY id").map {
            try $0.decode(String.self, "reason")
        }
        #expect(reasons.count == 2)
        #expect(reasons.first?.contains("no boleta 999999999") == true, "\(reasons)")
        #expect(reasons.last?.contains("clientCode") == true, "\(reasons)")
        #expect(try world.sql("SELECT 1 FROM approval_outcome").isEmpty)
    }
}
