import Foundation
import TestSupport
import Testing

@testable import ApprovalService
@testable import Shared

/// A decision taken before the signature binds to what the approver saw: a change of the boleta
/// withdraws it (R18, R27).
@Suite(.serialized)
struct BoletaChangeTests {
    /// The item of boleta `number` in the list of `token`'s holder, `nil` when it is not there.
    static func item(_ world: ApprovalWorld, _ number: Int64, token: String) throws -> [String: Any]? {
        try world.items(world.send("GET", "/approvals?limit=200", token: token)).first {
            $0["number"] as? Int64 == number
        }
    }

    /// Revision `revision` of `facts`, whose content (and so its hash) is changed by `change`.
    static func changed(
        _ facts: BoletaFacts, revision: Int = 2, hash: Character = "b", _ change: (inout BoletaFacts) -> Void = { _ in }
    ) -> BoletaFacts {
        var changed = facts
        changed.revision = revision
        changed.contentHash = String(repeating: hash, count: 64)
        change(&changed)
        return changed
    }

    @Test("R18 R27 a change of the amount after the decision withdraws it and tells Boleta; a redelivery does not")
    func aChangeWithdrawsTheDecision() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let token = try world.approverToken()
        let facts = try world.recordNew(amount: "150.00")
        #expect(try world.decide(facts.number, "approve", observation: "Ok", token: token).status == 200)
        #expect(try Self.item(world, facts.number, token: token)?["status"] as? String == "approved")

        world.clock.set(world.clock.read().addingTimeInterval(60))
        let change = BoletaChanged(boleta: Self.changed(facts) { $0.amount = "4600.00" })
        let id = UUID()
        try world.publish(change, id: id)

        let item = try #require(try Self.item(world, facts.number, token: token))
        #expect(item["status"] as? String == "pending")
        #expect(item["amount"] as? String == "4600.00")
        #expect(item["decision"] == nil && item["decidedAt"] == nil && item["decisionObservation"] == nil)
        let reopened = try world.published(ApprovalReopened.self)
        #expect(reopened.count == 1)
        let event = try #require(reopened.first)
        #expect(event.number == facts.number && event.clientCode == "ABS")
        #expect(event.reason == ApprovalService.changedAfterDecisionReason)
        #expect(event.reopenedByUserId == world.technician)
        #expect(event.approverUserId == world.approver)
        #expect(event.reopenedAt == world.clock.read())

        // The approver decides again, on the new amount; the same change delivered again undoes nothing.
        #expect(try world.decide(facts.number, "approve", token: token).status == 200)
        try world.publish(change, id: id)
        try world.publish(change)
        #expect(try Self.item(world, facts.number, token: token)?["status"] as? String == "approved")
        #expect(try world.published(ApprovalReopened.self).count == 1)
        #expect(try world.published(ApprovalGranted.self).count == 2)
    }

    @Test("R27 a new revision with the same content keeps the decision")
    func aRevisionWithTheSameContentKeepsTheDecision() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let token = try world.approverToken()
        let facts = try world.recordNew()
        #expect(try world.decide(facts.number, "approve", token: token).status == 200)

        try world.publish(BoletaChanged(boleta: Self.changed(facts, hash: "a")))

        #expect(try world.revision(of: facts.number) == 2)
        #expect(try Self.item(world, facts.number, token: token)?["status"] as? String == "approved")
        #expect(try world.published(ApprovalReopened.self).isEmpty)
    }

    @Test("R18 R25 a change of approver after the decision moves the request to the new approver, undecided")
    func aChangedApproverTakesOverTheRequest() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let facts = try world.recordNew(amount: "150.00")
        #expect(try world.decide(facts.number, "approve", token: try world.approverToken()).status == 200)
        let billing = try BillingReportTests.report(world, try world.approverToken())
        #expect(BillingReportTests.numbers(billing) == [facts.number])

        try world.publish(BoletaChanged(boleta: Self.changed(facts) { $0.approverUserId = world.otherApprover }))

        #expect(try Self.item(world, facts.number, token: try world.approverToken()) == nil)
        let moved = try #require(try Self.item(world, facts.number, token: try world.otherApproverToken()))
        #expect(moved["status"] as? String == "pending")
        #expect(try world.published(ApprovalReopened.self).map(\.approverUserId) == [world.otherApprover])
        // The former approver no longer bills it, and can no longer decide on it.
        #expect(BillingReportTests.numbers(try BillingReportTests.report(world, try world.approverToken())).isEmpty)
        #expect(try world.decide(facts.number, "approve", token: try world.approverToken()).status == 403)
        #expect(try world.decide(facts.number, "approve", token: try world.otherApproverToken()).status == 200)
        let billed = try BillingReportTests.report(world, try world.otherApproverToken())
        #expect(BillingReportTests.numbers(billed) == [facts.number])
    }

    @Test("R28 a rejection's divergence stays open after a change, on the boleta's current facts")
    func aRejectionsDivergenceFollowsTheChange() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let token = try world.approverToken()
        let facts = try world.recordNew(nature: .billed, amount: "150.00")
        #expect(try world.decide(facts.number, "reject", observation: "Não pedimos", token: token).status == 200)
        let first = try #require(try world.published(DivergenceRaised.self).first?.divergenceId)
        let before = try DivergenceTests.divergences(world, "?status=open")
        #expect(before.first?["boletaChangedSinceRaised"] as? Bool == false)

        try world.publish(
            BoletaChanged(
                boleta: Self.changed(facts) {
                    $0.nature = .contracted
                    $0.amount = "4600.00"
                }))

        let open = try DivergenceTests.divergences(world, "?status=open")
        #expect(open.count == 1)
        let divergence = try #require(open.first)
        #expect(divergence["id"] as? String == first.uuidString)
        #expect(divergence["boletaChangedSinceRaised"] as? Bool == true)
        #expect(divergence["observation"] as? String == "Não pedimos")
        let boleta = try #require(divergence["boleta"] as? [String: Any])
        #expect(boleta["amount"] as? String == "4600.00")
        #expect(boleta["nature"] as? String == "contracted")
        #expect(boleta["status"] as? String == "pending")
        #expect(try world.published(ApprovalReopened.self).count == 1)

        // A new rejection of the new content is a divergence of its own.
        #expect(try world.decide(facts.number, "reject", token: token).status == 200)
        #expect(try world.published(DivergenceRaised.self).count == 2)
        // Keeping the nature keeps the technician's current one.
        let resolved = try world.send(
            "POST", "/divergences/\(first)/resolution", token: try world.managementToken(),
            json: ["outcome": "keep", "note": "Contrato vigente"])
        #expect(resolved.status == 200, "\(resolved.text)")
        #expect(try world.published(DivergenceResolved.self).first?.resolvedNature == .contracted)
    }
}
