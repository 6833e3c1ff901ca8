import Foundation
import TestSupport
import Testing

@testable import BoletaService
@testable import Shared

/// One visibility rule (R29) for the service report, `GET /boletas/{number}` and its PDF.
@Suite(.serialized)
struct BoletaVisibilityTests {
    /// The statuses of the boleta, of its PDF, and whether the service report lists it, for `token`.
    private static func seen(_ number: Int64, _ world: RecordingWorld, token: String) throws -> (Int, Int, Bool) {
        let boleta = try world.fixture.send("GET", "/boletas/\(number)", token: token).status
        let pdf = try world.print(number, token: token).status
        let report = try world.fixture.send("GET", "/reports/service?clientCode=ABS", token: token)
        try #require(report.status == 200, "\(report.text)")
        let items = try #require(try world.json(report)["items"] as? [[String: Any]])
        return (boleta, pdf, items.contains { ($0["number"] as? Int64) == number })
    }

    @Test("R29 an approver sees the boletas it decided, not those awaiting its decision nor those another decided")
    func anApproverSeesWhatItDecided() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let token = try world.fixture.token(userID: world.approver, clientCode: "ABS", isApprover: true)
        let awaiting = try world.recordForSigning().number
        let approved = try world.recordForSigning().number
        let rejected = try world.recordForSigning().number
        let decidedByAnother = try world.recordForSigning().number
        try ApprovalOutcomeTests.publish(ApprovalOutcomeTests.granted(approved, world), to: world)
        try ApprovalOutcomeTests.publish(
            ApprovalRejected(
                number: rejected, clientCode: "ABS", approverUserId: world.approver, observation: "Não",
                decidedAt: ApprovalOutcomeTests.decidedAt), to: world)
        try ApprovalOutcomeTests.publish(
            ApprovalGranted(
                number: decidedByAnother, clientCode: "ABS", approverUserId: world.manager, observation: "",
                decidedAt: ApprovalOutcomeTests.decidedAt), to: world)

        for number in [approved, rejected] {
            let (boleta, pdf, listed) = try Self.seen(number, world, token: token)
            #expect(boleta == 200 && pdf == 200 && listed, "boleta \(number) it decided")
        }
        for number in [awaiting, decidedByAnother] {
            let (boleta, pdf, listed) = try Self.seen(number, world, token: token)
            #expect(boleta == 404 && pdf == 404 && !listed, "boleta \(number) it did not decide")
        }
    }

    @Test("R29 a decision reopened by Approval stops showing the boleta to its approver")
    func aReopenedDecisionStopsShowingTheBoleta() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let token = try world.fixture.token(userID: world.approver, clientCode: "ABS", isApprover: true)
        let number = try world.recordForSigning().number
        try ApprovalOutcomeTests.publish(ApprovalOutcomeTests.granted(number, world), to: world)
        #expect(try Self.seen(number, world, token: token) == (200, 200, true))
        try world.sql(
            "UPDATE approval_outcome SET decision = NULL, decided_by_user_id = NULL WHERE boleta_number = $1", number)
        #expect(try Self.seen(number, world, token: token) == (404, 404, false))
    }

    @Test("R29 a manager whose flag Identity removed reads no other user's boleta with its old token")
    func aRemovedManagerFlagNarrowsEveryViewAtOnce() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let number = try world.recordForSigning().number
        let oldToken = try world.fixture.token(userID: world.manager, clientCode: "ABS", isManager: true)
        #expect(try Self.seen(number, world, token: oldToken) == (200, 200, true))

        let summary = UserSummary(
            userId: world.manager, clientCode: "ABS", vendorRole: nil, code: "003", name: "003",
            email: "x@example.com", isManager: false, isApprover: false, activeUntil: nil)
        try ApprovalOutcomeTests.publish(UserFlagsChanged(user: summary, patNumber: "2026-000001"), to: world)
        try #require(
            try world.sql("SELECT 1 FROM known_user WHERE id = $1 AND NOT is_manager", world.manager).count == 1)
        #expect(try Self.seen(number, world, token: oldToken) == (404, 404, false))
    }
}
