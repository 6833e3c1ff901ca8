import Foundation
import Testing

@testable import BoletaService
@testable import Shared

/// A decision given with the signature when the approver already decided in Approval (R26, R27).
///
/// Approval keeps the first decision; Boleta refuses a second one at signing, so that the signature and
/// Approval never disagree, and records nothing: the signer signs again without the decision.
@Suite(.serialized)
struct SigningDecisionTests {
    /// A boleta whose contact is its approver, who signs and may decide in the same step (R26).
    static func approversOwnBoleta(_ world: RecordingWorld) throws -> RecordingWorld.Recorded {
        try world.recordForSigning(["contactUserId": world.approver.uuidString])
    }

    /// Signs `boleta` alone as the approver with a fresh assertion and `fields`.
    static func signAsApprover(
        _ boleta: RecordingWorld.Recorded, _ world: RecordingWorld, _ fields: [String: Any] = [:]
    ) throws -> HTTPClient.Response {
        try world.signOne(
            boleta.number, assertion: try world.assertion(signer: world.approver, [boleta]),
            token: try world.clientToken(world.approver), fields)
    }

    @Test("R26 R27 a decision at signing after the approver decided in Approval is refused 409; nothing is recorded")
    func aDecisionAtSigningAfterApprovalDecidedIsRefused() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let boleta = try Self.approversOwnBoleta(world)
        try ApprovalOutcomeTests.publish(ApprovalOutcomeTests.granted(boleta.number, world), to: world)

        let refused = try Self.signAsApprover(
            boleta, world, ["decision": "reject", "decisionObservation": "Valor acima do combinado"])

        #expect(refused.status == 409, "\(refused.text)")
        #expect(refused.headers["Content-Type"]?.hasPrefix("application/problem+json") == true)
        #expect(try world.problemType(refused) == "/problems/already-decided")
        let detail = try world.json(refused)["detail"] as? String ?? ""
        #expect(detail.contains("\(boleta.number)"), "\(detail)")
        #expect(try world.status(boleta.number) == "unsigned")
        #expect(try world.sql("SELECT 1 FROM signature WHERE boleta_number = $1", boleta.number).isEmpty)
        #expect(try world.fixture.running.outboxEvents(BoletaSigned.self).isEmpty)

        let signed = try Self.signAsApprover(boleta, world)

        #expect(signed.status == 200, "\(signed.text)")
        #expect(try world.status(boleta.number) == "signed")
        let event = try #require(try world.fixture.running.outboxEvents(BoletaSigned.self).first)
        #expect(event.data.number == boleta.number)
        #expect(event.data.decision == nil)
        let approval = try ApprovalOutcomeTests.view(boleta.number, world)["approval"] as? [String: Any]
        #expect(approval?["decision"] as? String == "approve")
    }

    @Test("R26 R27 a decision at signing counts when Approval's decision was reopened, or there is none yet")
    func aDecisionAtSigningCountsWhenNoneStands() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let reopened = try Self.approversOwnBoleta(world)
        let undecided = try Self.approversOwnBoleta(world)
        try ApprovalOutcomeTests.publish(ApprovalOutcomeTests.granted(reopened.number, world), to: world)
        try ApprovalOutcomeTests.publish(
            ApprovalReopened(
                number: reopened.number, clientCode: "ABS", approverUserId: world.approver, reason: "Engano",
                reopenedByUserId: UUID(), reopenedAt: ApprovalOutcomeTests.decidedAt.addingTimeInterval(60)),
            to: world)

        let afterReopening = try Self.signAsApprover(reopened, world, ["decision": "reject"])
        let withoutOutcome = try Self.signAsApprover(undecided, world, ["decision": "approve"])

        #expect(afterReopening.status == 200, "\(afterReopening.text)")
        #expect(try world.json(afterReopening)["decision"] as? String == "reject")
        #expect(withoutOutcome.status == 200, "\(withoutOutcome.text)")
        let decisions = try world.fixture.running.outboxEvents(BoletaSigned.self).map { $0.data.decision }
        #expect(decisions == [.reject, .approve])
    }

    @Test("R20 R26 R27 in a batch the item decided in Approval is refused as already-decided; the others sign")
    func aBatchRefusesOnlyTheItemAlreadyDecided() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let decided = try Self.approversOwnBoleta(world)
        let undecided = try Self.approversOwnBoleta(world)
        let decidedWithoutDecision = try Self.approversOwnBoleta(world)
        for boleta in [decided, decidedWithoutDecision] {
            try ApprovalOutcomeTests.publish(ApprovalOutcomeTests.granted(boleta.number, world), to: world)
        }

        let response = try world.signMany(
            assertion: try world.assertion(signer: world.approver, [decided, undecided, decidedWithoutDecision]),
            token: try world.clientToken(world.approver),
            items: [
                ["number": decided.number, "agreesWithNature": true, "decision": "reject"],
                ["number": undecided.number, "agreesWithNature": true, "decision": "approve"],
                ["number": decidedWithoutDecision.number, "agreesWithNature": true],
            ])

        #expect(
            try world.outcomes(response)
                == [
                    decided.number: "already-decided", undecided.number: "signed",
                    decidedWithoutDecision.number: "signed",
                ])
        let results = try #require(try world.json(response)["results"] as? [[String: Any]])
        #expect((results.first?["detail"] as? String)?.contains("\(decided.number)") == true)
        #expect(try world.status(decided.number) == "unsigned")
        #expect(try world.sql("SELECT 1 FROM signature WHERE boleta_number = $1", decided.number).isEmpty)
        let signed = try world.fixture.running.outboxEvents(BoletaSigned.self).map(\.data)
        #expect(signed.map(\.number) == [undecided.number, decidedWithoutDecision.number])
        #expect(signed.map(\.decision) == [.approve, nil])
    }
}
