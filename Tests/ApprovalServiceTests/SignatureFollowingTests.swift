import Foundation
import TestSupport
import Testing

@testable import ApprovalService
@testable import Shared

/// How Approval follows a boleta's life and signature (R25, R26).
@Suite(.serialized)
struct SignatureFollowingTests {
    @Test("R26 a signature by someone other than the approver asks the approver once")
    func aSignatureByTheContactAsksTheApprover() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let facts = try world.recordNew(workDate: "2006-12-02", nature: .contracted, amount: "1234.50", minutes: 605)
        let id = UUID()

        try world.publish(world.signature(facts, observation: "Tudo certo"), id: id)
        // The same event delivered again has no second effect; a later recording, once handled, shows
        // that the second delivery, queued before it, was handled too.
        try world.publish(world.signature(facts), id: id)
        try world.record(world.facts(world.newNumber(), approver: world.otherApprover))

        let requests = try world.published(ApprovalRequested.self)
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.signerUserId == world.contact)
        #expect(request.boleta.number == facts.number)
        #expect(request.boleta.approverUserId == world.approver)
        #expect(request.boleta.nature == .contracted)
        #expect(request.boleta.amount == "1234.50")
        #expect(request.boleta.minutes == 605)
        #expect(request.boleta.patNumber == "51507")
        #expect(request.boleta.workDate == "2006-12-02")
        #expect(try world.published(ApprovalGranted.self).isEmpty)
        #expect(try world.published(DivergenceRaised.self).isEmpty)
        let items = try world.items(try world.send("GET", "/approvals", token: world.approverToken()))
        let item = try #require(items.first { $0["number"] as? Int64 == facts.number })
        #expect(item["isSigned"] as? Bool == true)
        #expect(item["status"] as? String == "pending")
    }

    @Test(
        "R26 when the approver signs, its decision is taken in the same step and nobody is asked",
        arguments: [ApprovalDecision.approve, .reject])
    func theApproverSigningDecidesAtOnce(_ decision: ApprovalDecision) throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let facts = try world.recordNew(contact: world.approver)

        try world.publish(
            world.signature(facts, signer: world.approver, decision: decision, decisionObservation: "Conferido"))

        #expect(try world.published(ApprovalRequested.self).isEmpty)
        let granted = try world.published(ApprovalGranted.self)
        let rejected = try world.published(ApprovalRejected.self)
        switch decision {
        case .approve:
            #expect(granted.map(\.number) == [facts.number] && rejected.isEmpty)
            #expect(granted.first?.observation == "Conferido")
            #expect(granted.first?.approverUserId == world.approver)
        case .reject:
            #expect(rejected.map(\.number) == [facts.number] && granted.isEmpty)
            #expect(try world.published(DivergenceRaised.self).map(\.cause) == [.approverRejected])
        }
        let again = try world.decide(facts.number, "approve", token: try world.approverToken())
        #expect(again.status == 409, "\(again.text)")
    }

    @Test("R26 R27 a decision taken before the signature stands: nobody is asked, and no second decision counts")
    func aDecisionBeforeTheSignatureStands() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let byContact = try world.recordNew()
        let byApprover = try world.recordNew(contact: world.approver)
        let token = try world.approverToken()
        #expect(try world.decide(byContact.number, "approve", token: token).status == 200)
        #expect(try world.decide(byApprover.number, "approve", token: token).status == 200)

        try world.publish(world.signature(byContact))
        try world.publish(world.signature(byApprover, signer: world.approver, decision: .reject))

        #expect(try world.published(ApprovalRequested.self).isEmpty)
        #expect(try world.published(ApprovalGranted.self).map(\.number) == [byContact.number, byApprover.number])
        #expect(try world.published(ApprovalRejected.self).isEmpty)
        let items = try world.items(try world.send("GET", "/approvals?status=approved&signed=true", token: token))
        #expect(Set(items.compactMap { $0["number"] as? Int64 }) == [byContact.number, byApprover.number])
    }

    @Test("R26 an approver who signs without deciding is not asked by e-mail; its decision stays pending")
    func theApproverSigningWithoutDecidingIsNotAsked() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let facts = try world.recordNew(contact: world.approver)
        try world.publish(world.signature(facts, signer: world.approver))
        #expect(try world.published(ApprovalRequested.self).isEmpty)
        let items = try world.items(try world.send("GET", "/approvals?status=pending", token: world.approverToken()))
        #expect(items.compactMap { $0["number"] as? Int64 } == [facts.number])
    }

    @Test("R25 a boleta not billed needs no decision, and asks nobody when signed")
    func aBoletaNotBilledNeedsNoDecision() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let facts = try world.recordNew(nature: .notBilled)
        try world.publish(world.signature(facts))
        #expect(try world.published(ApprovalRequested.self).isEmpty)
        #expect(try world.items(try world.send("GET", "/approvals", token: world.approverToken())).isEmpty)
        let response = try world.decide(facts.number, "approve", token: try world.approverToken())
        #expect(response.status == 409)
    }

    @Test("R25 a change, deletion or cancellation keeps the request up to date, and an older revision loses")
    func theRequestFollowsChangesDeletionsAndCancellations() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let changed = try world.recordNew(nature: .billed)
        let deleted = try world.recordNew()
        let cancelled = try world.recordNew()
        let token = try world.approverToken()
        func numbers() throws -> Set<Int64> {
            Set(
                try world.items(try world.send("GET", "/approvals", token: token)).compactMap { $0["number"] as? Int64 }
            )
        }
        #expect(try numbers() == [changed.number, deleted.number, cancelled.number])

        var second = changed
        second.revision = 2
        second.nature = .notBilled
        try world.publish(BoletaChanged(boleta: second))
        var stale = changed
        stale.amount = "1.00"
        try world.publish(BoletaChanged(boleta: stale))
        try world.publish(
            BoletaDeleted(
                number: deleted.number, clientCode: "ABS", contactUserId: world.contact,
                approverUserId: world.approver, technicianUserId: world.technician))
        try world.publish(world.signature(cancelled))
        try world.publish(
            BoletaCancelled(
                number: cancelled.number, clientCode: "ABS", reason: "Duplicada", replacementNumber: nil,
                contactUserId: world.contact, approverUserId: world.approver, technicianUserId: world.technician))

        #expect(try numbers().isEmpty)
        #expect(try world.revision(of: changed.number) == 2)
        let amount = try world.sql("SELECT amount::text FROM approval_request WHERE number = $1", changed.number)
        #expect(try amount[0].decode(String.self, at: 0) == "185.18")

        var third = second
        third.revision = 3
        third.nature = .contracted
        try world.publish(BoletaChanged(boleta: third))
        #expect(try numbers() == [changed.number])
        #expect(try world.decide(deleted.number, "approve", token: token).status == 409)
        #expect(try world.decide(cancelled.number, "approve", token: token).status == 409)
    }

    @Test("R25 an event on a boleta not recorded yet is retried, then handled once the recording arrives")
    func anEventBeforeItsRecordingWaitsForIt() throws {
        let world = try ApprovalWorld(environment: ["EVENT_RETRY_DELAYS_MS": "500,1000"])
        defer { world.stop() }
        let facts = world.facts(world.newNumber())
        try world.running.publish(world.signature(facts), producer: "boleta")
        Thread.sleep(forTimeInterval: 0.1)
        #expect(try world.published(ApprovalRequested.self).isEmpty)
        try world.record(facts)
        #expect(try world.eventually { try world.published(ApprovalRequested.self).count == 1 })
        #expect(try world.sql("SELECT 1 FROM parked_event").isEmpty)
    }
}
