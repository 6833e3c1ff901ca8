import Foundation
import TestSupport
import Testing

@testable import ApprovalService
@testable import Shared

/// The approver's decisions (R25, R27) and their reopening by vendor support.
@Suite(.serialized)
struct DecisionTests {
    @Test("R27 the approver takes many decisions at once, before or after the signature")
    func manyDecisionsAtOnce() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let signed = try world.recordNew()
        let unsigned = try world.recordNew(nature: .contracted)
        try world.publish(world.signature(signed))

        let response = try world.send(
            "POST", "/approvals/decisions", token: try world.approverToken(),
            json: [
                "decisions": [
                    ["number": signed.number, "decision": "approve", "observation": "Ok"],
                    ["number": unsigned.number, "decision": "reject"],
                ]
            ])

        let items = try world.items(response)
        #expect(items.compactMap { $0["number"] as? Int64 } == [signed.number, unsigned.number])
        #expect(items.compactMap { $0["status"] as? String } == ["approved", "rejected"])
        let granted = try world.published(ApprovalGranted.self)
        #expect(granted.map(\.number) == [signed.number])
        #expect(granted.first?.observation == "Ok")
        #expect(granted.first?.decidedAt == world.clock.read())
        #expect(try world.published(ApprovalRejected.self).map(\.number) == [unsigned.number])
    }

    @Test("R27 one refused decision refuses the whole request: nothing is recorded")
    func oneRefusalRefusesAll() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let mine = try world.recordNew()
        let decided = try world.recordNew()
        let theirs = try world.recordNew(approver: world.otherApprover)
        let token = try world.approverToken()
        #expect(try world.decide(decided.number, "approve", token: token).status == 200)

        func both(_ other: Int64) throws -> HTTPClient.Response {
            try world.send(
                "POST", "/approvals/decisions", token: token,
                json: [
                    "decisions": [
                        ["number": mine.number, "decision": "approve"], ["number": other, "decision": "approve"],
                    ]
                ])
        }
        #expect(try both(decided.number).status == 409)
        #expect(try both(theirs.number).status == 403)
        #expect(try both(999_999_999).status == 404)
        #expect(try world.published(ApprovalGranted.self).map(\.number) == [decided.number])
        let pending = try world.items(try world.send("GET", "/approvals?status=pending", token: token))
        #expect(pending.compactMap { $0["number"] as? Int64 } == [mine.number])
    }

    @Test("R27 only the boleta's approver decides, and only once")
    func onlyTheApproverDecidesOnce() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let facts = try world.recordNew()
        let xyz = try world.recordNew(approver: world.otherClientManager, clientCode: "XYZ")

        #expect(try world.decide(facts.number, "approve", token: try world.otherApproverToken()).status == 403)
        #expect(try world.decide(facts.number, "approve", token: try world.managerToken()).status == 403)
        #expect(try world.decide(facts.number, "approve", token: try world.supportToken()).status == 403)
        #expect(try world.decide(facts.number, "approve", token: try world.otherClientManagerToken()).status == 404)
        #expect(try world.decide(xyz.number, "approve", token: try world.approverToken()).status == 404)
        let first = try world.decide(
            facts.number, "reject", observation: "Não autorizado", token: world.approverToken())
        #expect(first.status == 200, "\(first.text)")
        let second = try world.decide(facts.number, "approve", token: try world.approverToken())
        #expect(second.status == 409)
        #expect(try world.json(second)["type"] as? String == "/problems/already-decided")
        #expect(try world.published(ApprovalRejected.self).count == 1)
        #expect(try world.published(ApprovalGranted.self).isEmpty)
    }

    @Test("R27 vendor support reopens a decision with a reason; the approver decides again")
    func supportReopensADecision() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let facts = try world.recordNew()
        let token = try world.approverToken()
        let path = "/approvals/\(facts.number)/reopen"
        #expect(try world.send("POST", path, token: try world.supportToken(), json: ["reason": "x"]).status == 409)
        #expect(try world.decide(facts.number, "reject", token: token).status == 200)

        #expect(try world.send("POST", path, token: try world.managementToken(), json: ["reason": "x"]).status == 403)
        #expect(
            try world.invalidFields(world.send("POST", path, token: try world.supportToken(), json: [:])) == ["reason"])
        #expect(
            try world.invalidFields(
                world.send("POST", path, token: try world.supportToken(), json: ["reason": "engano\u{07}"]))
                == ["reason"])
        let reopened = try world.send(
            "POST", path, token: try world.supportToken(), json: ["reason": "Rejeitada por engano"])
        #expect(reopened.status == 200, "\(reopened.text)")
        #expect(try world.json(reopened)["status"] as? String == "pending")
        let event = try #require(try world.published(ApprovalReopened.self).first)
        #expect(event.reason == "Rejeitada por engano")
        #expect(event.reopenedByUserId == world.support)
        #expect(event.approverUserId == world.approver)

        #expect(try world.decide(facts.number, "reject", token: token).status == 200)
        // Each rejection is its own divergence.
        #expect(try world.published(DivergenceRaised.self).count == 2)
        let unknown = try world.send(
            "POST", "/approvals/999999999/reopen", token: try world.supportToken(), json: ["reason": "x"])
        #expect(unknown.status == 404)
    }

    @Test("R27 a request that is not acceptable answers 422 naming each field")
    func badRequestsAnswer422() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let facts = try world.recordNew()
        let token = try world.approverToken()
        let cases: [([String: Any], Set<String>)] = [
            (["decisions": []], ["decisions"]),
            (["decisions": [["number": facts.number, "decision": "maybe"]]], ["decisions[0].decision"]),
            (
                [
                    "decisions": [
                        [
                            "number": facts.number, "decision": "approve",
                            "observation": String(repeating: "a", count: 2001),
                        ]
                    ]
                ],
                ["decisions[0].observation"]
            ),
            (
                [
                    "decisions": [
                        ["number": facts.number, "decision": "approve"],
                        ["number": facts.number, "decision": "reject"],
                    ]
                ],
                ["decisions[1].number"]
            ),
            (
                [
                    "decisions": [
                        ["number": facts.number, "decision": "reject", "observation": "Valor\u{0B}errado\u{1B}[2J"]
                    ]
                ],
                ["decisions[0].observation"]
            ),
        ]
        for (body, fields) in cases {
            let response = try world.send("POST", "/approvals/decisions", token: token, json: body)
            #expect(try world.invalidFields(response) == fields)
        }
        #expect(try world.published(ApprovalGranted.self).isEmpty)
    }

    @Test("R10 an inactive approver cannot decide: its token is refused, and so is its flag once removed")
    func anInactiveApproverCannotDecide() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let facts = try world.recordNew()
        let token = try world.approverToken()
        try world.sql("UPDATE known_user SET is_approver = false WHERE id = $1", world.approver)
        #expect(try world.decide(facts.number, "approve", token: token).status == 403)
        try world.sql("UPDATE known_user SET is_approver = true WHERE id = $1", world.approver)

        try world.publish(UserDeactivated(userId: world.approver, clientCode: "ABS"))
        // Every replica reloads the revoked users every 2 seconds.
        #expect(try world.eventually { try world.decide(facts.number, "approve", token: token).status == 401 })
        #expect(try world.published(ApprovalGranted.self).isEmpty)
    }
}
