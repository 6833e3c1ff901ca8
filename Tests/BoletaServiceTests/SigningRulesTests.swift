import Foundation
import Testing

@testable import BoletaService
@testable import Shared

/// Who may sign, the approver's decision taken with the signature, and batches that are partly refused
/// (R20, R25, R26).
struct SigningRulesTests {
    @Test func someoneOtherThanTheContactCannotSign() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let boleta = try world.recordForSigning()
        let ownAssertion = try world.assertion(signer: world.plainUser, [boleta])

        let notContact = try world.signOne(
            boleta.number, assertion: ownAssertion, token: try world.clientToken(world.plainUser))
        let someoneElsesAssertion = try world.signOne(
            boleta.number, assertion: try world.assertion(signer: world.contact, [boleta]),
            token: try world.clientToken(world.plainUser))

        #expect(notContact.status == 403, "\(notContact.text)")
        #expect(someoneElsesAssertion.status == 403, "\(someoneElsesAssertion.text)")
        #expect(try world.status(boleta.number) == "unsigned")
    }

    @Test func anInactiveSignerCannotSign() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let boleta = try world.recordForSigning()
        try world.sql("UPDATE known_user SET is_active = false WHERE id = $1", world.contact)

        let response = try world.signOne(
            boleta.number, assertion: try world.assertion(signer: world.contact, [boleta]),
            token: try world.technicianToken())

        #expect(response.status == 403, "\(response.text)")
        #expect(try world.status(boleta.number) == "unsigned")
    }

    @Test func theApproverSigningWithADecisionStoresIt() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let boleta = try world.recordForSigning(["contactUserId": world.approver.uuidString])

        let response = try world.signOne(
            boleta.number, assertion: try world.assertion(signer: world.approver, [boleta]),
            token: try world.clientToken(world.approver),
            ["decision": "reject", "decisionObservation": "Valor acima do combinado"])

        #expect(response.status == 200, "\(response.text)")
        #expect(try world.json(response)["decision"] as? String == "reject")
        let row = try world.sql(
            "SELECT decision, decision_observation FROM signature WHERE boleta_number = $1", boleta.number)[0]
        #expect(try row.decode(String?.self, "decision") == "reject")
        #expect(try row.decode(String?.self, "decision_observation") == "Valor acima do combinado")
        let event = try #require(try world.fixture.running.outboxEvents(BoletaSigned.self).first)
        #expect(event.data.decision == .reject)
        #expect(event.data.decisionObservation == "Valor acima do combinado")
    }

    @Test func aDecisionFromSomeoneOtherThanTheApproverIsInvalid() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let boleta = try world.recordForSigning()

        let response = try world.signOne(
            boleta.number, assertion: try world.assertion(signer: world.contact, [boleta]),
            token: try world.clientToken(world.contact), ["decision": "approve"])

        #expect(try world.invalidFields(response) == ["decision"])
        #expect(try world.status(boleta.number) == "unsigned")
    }

    @Test func aDecisionOnABoletaThatIsNotBilledIsInvalid() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let boleta = try world.recordForSigning(nature: "notBilled", ["contactUserId": world.approver.uuidString])

        let response = try world.signOne(
            boleta.number, assertion: try world.assertion(signer: world.approver, [boleta]),
            token: try world.clientToken(world.approver), ["decision": "approve"])

        #expect(try world.invalidFields(response) == ["decision"])
        #expect(try world.status(boleta.number) == "unsigned")
    }

    @Test func aBatchWithRefusedItemsStillSignsTheOthers() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let good = try world.recordForSigning()
        let changed = try world.recordForSigning()
        let notNamed = try world.recordForSigning()
        let missing = RecordingWorld.Recorded(number: 999_999_999, hash: changed.hash)
        let assertion = try world.assertion(signer: world.contact, [good, changed, missing])
        let change = try world.fixture.send(
            "PATCH", "/boletas/\(changed.number)", token: try world.technicianToken(),
            json: world.body(entries: [RecordingWorld.entry("08:00", "11:00")]))
        try #require(change.status == 200, "\(change.text)")

        let response = try world.signMany(
            assertion: assertion, token: try world.clientToken(world.contact),
            items: [good, changed, notNamed, missing].map { ["number": $0.number, "agreesWithNature": true] }
                + [["number": good.number, "agreesWithNature": true, "decision": "approve"]])

        let results = try #require(try world.json(response)["results"] as? [[String: Any]])
        #expect(
            results.compactMap { $0["outcome"] as? String }
                == ["signed", "content-changed", "content-changed", "not-found", "already-signed"])
        #expect(try world.status(good.number) == "signed")
        #expect(try world.status(changed.number) == "unsigned")
        #expect(try world.status(notNamed.number) == "unsigned")
        #expect(try world.fixture.running.outboxEvents(BoletaSigned.self).map(\.data.number) == [good.number])
    }

    @Test func mailAndApprovalFollowSignatures() {
        #expect(SystemTopology.consumers["mail"]?.contains(BoletaSigned.type) == true)
        #expect(SystemTopology.consumers["approval"]?.contains(BoletaSigned.type) == true)
    }
}
