import Foundation
import Testing

@testable import BoletaService
@testable import Shared

/// PATs arriving from other systems (R13, R14): kept at their newest revision, whatever the
/// order and repetition of their events; an event that cannot be understood is parked.
struct PatIntakeTests {
    private typealias Support = PatTestSupport

    @Test func aPatOpenedThenUpdatedThenClosedIsKeptAtItsLastState() throws {
        let fixture = try BoletaFixture()
        defer { fixture.stop() }
        try Support.publish(PatOpened.type, Support.pat("P-1"), to: fixture)
        #expect(try Support.eventually { try Support.pats(fixture)["P-1"]?.revision == 1 })
        let opened = try #require(try Support.pats(fixture)["P-1"])
        #expect(opened.isOpened && !opened.isClosed && opened.status == "open")

        try Support.publish(
            PatUpdated.type,
            Support.pat("P-1", revision: 2, status: "in-progress", changes: ["description": "Now with details."]),
            to: fixture)
        #expect(try Support.eventually { try Support.pats(fixture)["P-1"]?.revision == 2 })
        #expect(try Support.pats(fixture)["P-1"]?.description == "Now with details.")
        #expect(try Support.pats(fixture)["P-1"]?.status == "in-progress")

        try Support.publish(PatClosed.type, Support.pat("P-1", revision: 3, status: "closed"), to: fixture)
        #expect(try Support.eventually { try Support.pats(fixture)["P-1"]?.revision == 3 })
        let closed = try #require(try Support.pats(fixture)["P-1"])
        #expect(closed.isClosed && closed.isOpened && closed.status == "closed")
        #expect(try Support.pats(fixture).count == 1)
    }

    @Test func theSameEventTwiceAndAnotherOfTheSameRevisionChangeNothing() throws {
        let fixture = try BoletaFixture()
        defer { fixture.stop() }
        let body = try Support.envelope(PatOpened.type, Support.pat("P-2"))
        try Support.publish([body, body], routingKey: PatOpened.type, to: fixture)
        // A different event id with the same revision but other content is older news, not a change.
        try Support.publish(
            PatUpdated.type, Support.pat("P-2", changes: ["description": "Same revision, other text."]), to: fixture)
        // A later PAT shows the earlier events were all handled.
        try Support.publish(PatOpened.type, Support.pat("P-2b"), to: fixture)
        #expect(try Support.eventually { try Support.pats(fixture)["P-2b"] != nil })
        let pats = try Support.pats(fixture)
        #expect(pats.count == 2)
        #expect(pats["P-2"]?.revision == 1)
        #expect(pats["P-2"]?.description == "O cálculo de férias não considera o adicional noturno.")
        #expect(try Support.parkedReasons(fixture).isEmpty)
    }

    @Test func anOlderRevisionArrivingAfterANewerOneLeavesTheNewer() throws {
        let fixture = try BoletaFixture()
        defer { fixture.stop() }
        try Support.publish(
            PatUpdated.type, Support.pat("P-3", revision: 3, status: "waiting-client", changes: ["priority": "urgent"]),
            to: fixture)
        #expect(try Support.eventually { try Support.pats(fixture)["P-3"]?.revision == 3 })
        #expect(try Support.pats(fixture)["P-3"]?.isOpened == false)
        try Support.publish(PatOpened.type, Support.pat("P-3", revision: 1), to: fixture)
        // The opening still says when the PAT was opened, but not what it is now.
        #expect(try Support.eventually { try Support.pats(fixture)["P-3"]?.isOpened == true })
        let pat = try #require(try Support.pats(fixture)["P-3"])
        #expect(pat.revision == 3)
        #expect(pat.status == "waiting-client")
    }

    @Test func malformedPatEventsAreParkedNamingTheFieldAndLaterEventsAreStillHandled() throws {
        let fixture = try BoletaFixture()
        defer { fixture.stop() }
        let bodies = [
            try Support.envelope(PatOpened.type, Support.pat("P-4a", changes: ["number": NSNull()])),
            try Support.envelope(PatOpened.type, Support.pat("P-4b", changes: ["revision": "three"])),
            try Support.envelope(PatOpened.type, Support.pat("P-4c", changes: ["description": "  "])),
            Data("not json".utf8),
            try Support.envelope(PatOpened.type, Support.pat("P-4d", changes: ["contact": ["name": "No code"]])),
            try Support.envelope(PatOpened.type, Support.pat("P-4e", revision: 0)),
            try Support.envelope(PatOpened.type, Support.pat("P-4g"), clientCode: "XYZ"),
            try Support.envelope(PatOpened.type, Support.pat("P-4f")),
        ]
        try Support.publish(bodies, routingKey: PatOpened.type, to: fixture)
        #expect(
            try Support.eventually {
                try Support.parkedReasons(fixture).count == 7 && Support.pats(fixture)["P-4f"] != nil
            })
        let reasons = try Support.parkedReasons(fixture)
        #expect(reasons.contains("field data.number is missing"))
        #expect(reasons.contains { $0.hasPrefix("field data.revision is not") })
        #expect(reasons.contains("field data.description is empty"))
        #expect(reasons.contains { $0.hasPrefix("not an event envelope") })
        #expect(reasons.contains("field data.contact.code is missing"))
        #expect(reasons.contains("field data.revision is 0, less than 1"))
        #expect(reasons.contains("field clientCode is XYZ, not data.clientCode ABS"))
        #expect(try Support.pats(fixture).keys.sorted() == ["P-4f"])
    }

    @Test func theContactIsTiedToTheKnownUserWhicheverArrivesFirst() throws {
        let fixture = try BoletaFixture()
        defer { fixture.stop() }
        let first = Support.user(code: "001")
        try fixture.running.publish(Support.registration(first))
        #expect(
            try Support.eventually {
                try fixture.service.context.pool.withConnection { try DirectoryCopy.user(id: first.userId, on: $0) }
                    != nil
            })
        try Support.publish(PatOpened.type, Support.pat("P-5a", contact: "001"), to: fixture)
        try Support.publish(PatOpened.type, Support.pat("P-5b", contact: "002"), to: fixture)
        #expect(try Support.eventually { try Support.pats(fixture).count == 2 })
        #expect(try Support.pats(fixture)["P-5a"]?.contactUserID == first.userId)
        #expect(try Support.pats(fixture)["P-5b"]?.contactUserID == nil)

        let later = Support.user(code: "002")
        try fixture.running.publish(Support.registration(later))
        #expect(try Support.eventually { try Support.pats(fixture)["P-5b"]?.contactUserID == later.userId })
    }

    @Test func aPatEventEncodesTheWholePatAsItsDataAndDecodesBack() throws {
        let pat = PatDetails(
            number: "P-6", clientCode: "ABS", contact: .init(code: "001"), nature: "question", system: "Folha",
            priority: "low", description: "How?", status: "open", revision: 4,
            updatedAt: Date(timeIntervalSince1970: 1_772_456_700))
        let body = try EventCoding.encoder().encode(EventEnvelope(PatClosed(pat: pat), producer: "helpdesk"))
        let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let data = try #require(json["data"] as? [String: Any])
        #expect(data["number"] as? String == "P-6")
        #expect(data["revision"] as? Int == 4)
        #expect(data["pat"] == nil)
        let decoded = try EventCoding.decoder().decode(EventEnvelope<PatClosed>.self, from: body)
        #expect(decoded.data.pat == pat)
        #expect(decoded.type == "pat.closed")
    }

    @Test func aPatWithoutAttachmentsDecodesWithNone() throws {
        let body = try Support.envelope(PatUpdated.type, Support.pat("P-7", changes: ["attachments": NSNull()]))
        let decoded = try EventCoding.decoder().decode(EventEnvelope<PatUpdated>.self, from: body)
        #expect(decoded.data.pat.attachments.isEmpty)
        #expect(decoded.data.pat.contact.name == "Maria Souza")
    }
}
