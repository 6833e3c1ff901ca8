import Foundation
import TestSupport
import Testing

@testable import ApprovalService
@testable import Shared

/// Divergences: raised by a disagreement or a rejection, resolved once by vendor management (R21, R28).
@Suite(.serialized)
struct DivergenceTests {
    /// The divergences `GET /divergences` answers with `query`.
    static func divergences(_ world: ApprovalWorld, _ query: String = "") throws -> [[String: Any]] {
        try world.items(try world.send("GET", "/divergences" + query, token: try world.managementToken()))
    }

    @Test("R21 R28 a signer's disagreement raises exactly one divergence, however often the event arrives")
    func aDisagreementRaisesOneDivergence() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let facts = try world.recordNew(nature: .billed)
        let signature = world.signature(facts, agrees: false, observation: "Serviço coberto pelo contrato")
        let id = UUID()
        try world.publish(signature, id: id)
        try world.publish(signature, id: id)
        // Another delivery with a new id, as a replay would be, raises nothing new either.
        try world.publish(signature)

        let raised = try world.published(DivergenceRaised.self)
        #expect(raised.count == 1)
        let event = try #require(raised.first)
        #expect(event.cause == .signerDisagreed)
        #expect(event.raisedByUserId == world.contact)
        #expect(event.observation == "Serviço coberto pelo contrato")
        #expect(event.boleta.number == facts.number && event.boleta.nature == .billed)
        #expect(try world.published(ApprovalRequested.self).count == 1)

        let listed = try Self.divergences(world, "?status=open")
        #expect(listed.count == 1)
        let divergence = try #require(listed.first)
        #expect(divergence["id"] as? String == event.divergenceId.uuidString)
        #expect(divergence["cause"] as? String == "signerDisagreed")
        #expect(divergence["observation"] as? String == "Serviço coberto pelo contrato")
        #expect((divergence["raisedBy"] as? [String: Any])?["name"] as? String == "ADRIANA")
        let boleta = try #require(divergence["boleta"] as? [String: Any])
        #expect(boleta["number"] as? Int64 == facts.number)
        #expect(boleta["amount"] as? String == "185.18")
        #expect(boleta["patNumber"] as? String == "51507")
    }

    @Test("R28 a rejection raises exactly one divergence, which vendor management resolves once")
    func aRejectionRaisesOneDivergenceResolvedOnce() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let facts = try world.recordNew(nature: .billed)
        #expect(
            try world.decide(facts.number, "reject", observation: "Não pedimos", token: world.approverToken())
                .status == 200)
        let raised = try world.published(DivergenceRaised.self)
        #expect(raised.map(\.cause) == [.approverRejected])
        let id = try #require(raised.first?.divergenceId)
        #expect(raised.first?.observation == "Não pedimos")
        #expect(raised.first?.raisedByUserId == world.approver)
        let path = "/divergences/\(id)/resolution"
        let body: [String: Any] = ["outcome": "keep", "note": "O serviço foi pedido no PAT 51507"]

        #expect(try world.send("POST", path, token: try world.supportToken(), json: body).status == 403)
        let resolved = try world.send("POST", path, token: try world.managementToken(), json: body)
        #expect(resolved.status == 200, "\(resolved.text)")
        let again = try world.send("POST", path, token: try world.managementToken(), json: body)
        #expect(again.status == 409)
        #expect(try world.json(again)["type"] as? String == "/problems/already-resolved")

        let events = try world.published(DivergenceResolved.self)
        #expect(events.count == 1)
        let event = try #require(events.first)
        #expect(event.divergenceId == id && event.number == facts.number)
        #expect(event.originalNature == .billed && event.resolvedNature == .billed)
        #expect(event.note == "O serviço foi pedido no PAT 51507")
        #expect(event.resolvedByUserId == world.management)
        #expect(try Self.divergences(world, "?status=open").isEmpty)
        let listed = try #require(try Self.divergences(world, "?status=resolved").first)
        #expect((listed["resolution"] as? [String: Any])?["outcome"] as? String == "keep")
    }

    @Test("R28 a resolution to not billed closes the approval request and takes the boleta out of billing")
    func changingToNotBilledClosesTheRequest() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let facts = try world.recordNew(nature: .billed)
        try world.publish(world.signature(facts, agrees: false))
        let id = try #require(try world.published(DivergenceRaised.self).first?.divergenceId)

        let response = try world.send(
            "POST", "/divergences/\(id)/resolution", token: try world.managementToken(),
            json: ["outcome": "change", "nature": "notBilled", "note": "Coberto pelo contrato"])

        #expect(response.status == 200, "\(response.text)")
        #expect(try world.published(DivergenceResolved.self).first?.resolvedNature == .notBilled)
        #expect(try world.items(try world.send("GET", "/approvals", token: world.approverToken())).isEmpty)
        #expect(try world.decide(facts.number, "approve", token: try world.approverToken()).status == 409)
        let billing = try world.items(try world.send("GET", "/reports/billing", token: world.managerToken()))
        #expect(billing.isEmpty)
    }

    @Test("R18 R28 a divergence of a deleted or cancelled boleta is withdrawn, with the reason, and not resolved")
    func aDivergenceOfAClosedBoletaIsWithdrawn() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let deleted = try world.recordNew(nature: .billed)
        #expect(try world.decide(deleted.number, "reject", token: world.approverToken()).status == 200)
        let cancelled = try world.recordNew(nature: .billed)
        try world.publish(world.signature(cancelled, agrees: false))
        let kept = try world.recordNew(nature: .billed)
        try world.publish(world.signature(kept, agrees: false))
        let raised = try world.published(DivergenceRaised.self)
        let ids = Dictionary(uniqueKeysWithValues: raised.map { ($0.boleta.number, $0.divergenceId) })
        #expect(try Self.divergences(world, "?status=open").count == 3)

        world.clock.set(world.clock.read().addingTimeInterval(120))
        let deletion = BoletaDeleted(
            number: deleted.number, clientCode: "ABS", contactUserId: world.contact, approverUserId: world.approver,
            technicianUserId: world.technician)
        try world.publish(deletion)
        try world.publish(deletion)
        try world.publish(
            BoletaCancelled(
                number: cancelled.number, clientCode: "ABS", reason: "Horas lançadas em duplicidade",
                replacementNumber: nil, contactUserId: world.contact, approverUserId: world.approver,
                technicianUserId: world.technician))

        let open = try Self.divergences(world, "?status=open")
        #expect(open.compactMap { $0["id"] as? String } == [ids[kept.number]?.uuidString])
        let withdrawn = try Self.divergences(world, "?status=withdrawn")
        #expect(
            Set(withdrawn.compactMap { $0["id"] as? String })
                == Set(
                    [deleted, cancelled].map {
                        ids[$0.number]?.uuidString ?? ""
                    }))
        for divergence in withdrawn {
            #expect(divergence["status"] as? String == "withdrawn")
            #expect(divergence["resolution"] == nil)
            let withdrawal = try #require(divergence["withdrawal"] as? [String: Any])
            let boleta = (divergence["boleta"] as? [String: Any])?["number"] as? Int64
            let reason =
                boleta == deleted.number
                ? "the boleta was deleted" : "the boleta was cancelled: Horas lançadas em duplicidade"
            #expect(withdrawal["reason"] as? String == reason)
            #expect(withdrawal["withdrawnAt"] as? String != nil)
        }
        #expect(try Self.divergences(world, "?status=resolved").isEmpty)

        for number in [deleted.number, cancelled.number] {
            let id = try #require(ids[number])
            let response = try world.send(
                "POST", "/divergences/\(id)/resolution", token: try world.managementToken(),
                json: ["outcome": "keep", "note": "Mantida"])
            #expect(response.status == 409)
            #expect(try world.json(response)["type"] as? String == "/problems/divergence-withdrawn")
        }
        #expect(try world.published(DivergenceResolved.self).isEmpty)
        let keptID = try #require(ids[kept.number])
        let resolved = try world.send(
            "POST", "/divergences/\(keptID)/resolution", token: try world.managementToken(),
            json: ["outcome": "keep", "note": "Mantida"])
        #expect(resolved.status == 200, "\(resolved.text)")
    }

    @Test("R28 a resolution that is not acceptable answers 422, and an unknown divergence 404")
    func badResolutionsAreRefused() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let facts = try world.recordNew(nature: .contracted)
        try world.publish(world.signature(facts, agrees: false))
        let id = try #require(try world.published(DivergenceRaised.self).first?.divergenceId)
        let path = "/divergences/\(id)/resolution"
        let cases: [([String: Any], Set<String>)] = [
            (["outcome": "drop", "note": "x"], ["outcome"]),
            (["outcome": "change", "note": "x"], ["nature"]),
            (["outcome": "change", "nature": "free", "note": "x"], ["nature"]),
            (["outcome": "change", "nature": "contracted", "note": "x"], ["nature"]),
            (["outcome": "keep", "nature": "billed", "note": "x"], ["nature"]),
            (["outcome": "keep"], ["note"]),
            (["outcome": "keep", "note": "Mantida\u{1B}[2J"], ["note"]),
        ]
        for (body, fields) in cases {
            let response = try world.send("POST", path, token: try world.managementToken(), json: body)
            #expect(try world.invalidFields(response) == fields, "\(body)")
        }
        let unknown = try world.send(
            "POST", "/divergences/\(UUID())/resolution", token: try world.managementToken(),
            json: ["outcome": "keep", "note": "x"])
        #expect(unknown.status == 404)
        #expect(try world.published(DivergenceResolved.self).isEmpty)
        #expect(
            try world.invalidFields(world.send("GET", "/divergences?status=all", token: world.managementToken()))
                == ["status"])
    }
}
