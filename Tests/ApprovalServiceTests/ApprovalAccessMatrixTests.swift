import Foundation
import TestSupport
import Testing

@testable import ApprovalService
@testable import Shared

/// Who calls, in Approval's access matrix.
enum ApprovalMatrixCaller: String, CaseIterable, Sendable {
    case support
    case technician
    case management
    /// A manager of ABS, the client every target belongs to.
    case managerOfABS
    /// A manager (and approver) of another client.
    case managerOfOther
    /// The financial approver of ABS the targets name.
    case approverOfABS
    /// An approver of ABS the targets do not name.
    case otherApproverOfABS
    /// An approver (not a manager) of another client.
    case approverOfOther
    /// A user of ABS with no flag.
    case plainUserOfABS
    /// Nobody: no access token.
    case noToken
}

/// One endpoint of Approval's matrix, how each caller calls it, and the status each caller gets.
struct ApprovalMatrixEndpoint: Sendable {
    typealias MakeRequest = @Sendable (ApprovalWorld) throws -> (path: String, json: [String: Any]?)

    var method: String
    var pattern: String
    var request: MakeRequest
    var expected: [ApprovalMatrixCaller: Int]

    /// A row where every caller, in ``ApprovalMatrixCaller`` order, gets the status at its position.
    init(_ method: String, _ pattern: String, _ statuses: [Int], request: @escaping MakeRequest) {
        precondition(statuses.count == ApprovalMatrixCaller.allCases.count, "one status per caller in \(pattern)")
        self.method = method
        self.pattern = pattern
        self.request = request
        self.expected = Dictionary(uniqueKeysWithValues: zip(ApprovalMatrixCaller.allCases, statuses))
    }

    var name: String { "\(method) \(pattern)" }
}

/// One cell: an endpoint called by one kind of caller.
struct ApprovalMatrixCell: Sendable, CustomTestStringConvertible {
    var endpoint: ApprovalMatrixEndpoint
    var caller: ApprovalMatrixCaller

    var expected: Int { endpoint.expected[caller]! }
    var testDescription: String { "\(endpoint.name) as \(caller.rawValue) answers \(expected)" }
}

/// One ``ApprovalWorld`` shared by every cell of the suite.
struct ApprovalMatrixWorldScope: SuiteTrait, TestScoping {
    @TaskLocal static var current: ApprovalWorld?

    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        try await Self.$current.withValue(world) { try await function() }
    }
}

extension ApprovalWorld {
    /// The access token of `caller`, nil for ``ApprovalMatrixCaller/noToken``.
    func token(_ caller: ApprovalMatrixCaller) throws -> String? {
        switch caller {
        case .support: try supportToken()
        case .technician: try technicianToken()
        case .management: try managementToken()
        case .managerOfABS: try managerToken()
        case .managerOfOther: try otherClientManagerToken()
        case .approverOfABS: try approverToken()
        case .otherApproverOfABS: try otherApproverToken()
        case .approverOfOther: try token(xyzApprover, clientCode: "XYZ", isApprover: true)
        case .plainUserOfABS: try token(plainUser, clientCode: "ABS")
        case .noToken: nil
        }
    }

    /// A new rejected boleta of ABS; returns the id of the divergence the rejection raised.
    func openDivergence() throws -> UUID {
        let facts = try recordNew()
        try #require(try decide(facts.number, "reject", token: try approverToken()).status == 200)
        let raised = try published(DivergenceRaised.self)
        return try #require(raised.first { $0.boleta.number == facts.number }?.divergenceId)
    }
}

/// Every endpoint Approval serves, less the platform's, against every kind of caller.
///
/// Where a caller may act, the request is a valid one, so that a 2xx shows the action was done.
@Suite(.serialized, ApprovalMatrixWorldScope())
struct ApprovalAccessMatrixTests {
    // swift-format-ignore
    //                                          sup  tech mgmt mgrA mgrB appr oapr aprB plain none
    static let endpoints: [ApprovalMatrixEndpoint] = [
        ApprovalMatrixEndpoint("GET", "/approvals", [403, 403, 403, 403, 200, 200, 200, 200, 403, 401]) { _ in
            ("/approvals", nil)
        },
        // The approvers of the other client do not find this boleta of ABS.
        ApprovalMatrixEndpoint("POST", "/approvals/decisions", [403, 403, 403, 403, 404, 200, 403, 404, 403, 401]) {
            world in
            ("/approvals/decisions", ["decisions": [["number": try world.recordNew().number, "decision": "approve"]]])
        },
        ApprovalMatrixEndpoint(
            "POST", "/approvals/{number}/reopen", [200, 403, 403, 403, 403, 403, 403, 403, 403, 401]
        ) { world in
            let facts = try world.recordNew()
            try #require(try world.decide(facts.number, "approve", token: try world.approverToken()).status == 200)
            return ("/approvals/\(facts.number)/reopen", ["reason": "Decidida por engano"])
        },
        ApprovalMatrixEndpoint("GET", "/divergences", [200, 403, 200, 403, 403, 403, 403, 403, 403, 401]) { _ in
            ("/divergences", nil)
        },
        ApprovalMatrixEndpoint(
            "POST", "/divergences/{id}/resolution", [403, 403, 200, 403, 403, 403, 403, 403, 403, 401]
        ) { world in
            ("/divergences/\(try world.openDivergence())/resolution", ["outcome": "keep", "note": "Mantida"])
        },
        // Each caller that may see the billing report gets 200 within its own scope (R8, R30): support and
        // management every client's, a technician the boletas it recorded, a manager its client's, an
        // approver what it decided; BillingReportTests checks the rows each one gets.
        ApprovalMatrixEndpoint("GET", "/reports/billing", [200, 200, 200, 200, 200, 200, 200, 200, 403, 401]) { _ in
            ("/reports/billing?clientCode=ABS", nil)
        },
        ApprovalMatrixEndpoint("GET", "/reports/billing.csv", [200, 200, 200, 200, 200, 200, 200, 200, 403, 401]) { _ in
            ("/reports/billing.csv?clientCode=ABS", nil)
        },
        ApprovalMatrixEndpoint(
            "POST", "/admin/jobs/{name}/runs", [201, 403, 403, 403, 403, 403, 403, 403, 403, 401]
        ) { _ in
            // A day long gone and not used by another cell, so that it runs once.
            let date = Date(timeIntervalSince1970: Double(Int.random(in: 0..<3650)) * 86_400)
            return (
                "/admin/jobs/approval-reminders/runs",
                ["period": PostgresDate(date, in: TimeZone(identifier: "UTC")!).description]
            )
        },
    ]

    static let cells: [ApprovalMatrixCell] = endpoints.flatMap { endpoint in
        ApprovalMatrixCaller.allCases.map { ApprovalMatrixCell(endpoint: endpoint, caller: $0) }
    }

    @Test(arguments: cells)
    func eachCallerGetsTheStatusItsRightsGive(_ cell: ApprovalMatrixCell) throws {
        let world = try #require(ApprovalMatrixWorldScope.current)
        let request = try cell.endpoint.request(world)
        let response = try world.send(
            cell.endpoint.method, request.path, token: try world.token(cell.caller), json: request.json)
        #expect(
            response.status == cell.expected,
            "\(cell.endpoint.name) as \(cell.caller.rawValue): \(response.status) \(response.text.prefix(200))")
    }

    @Test
    func theMatrixCoversEveryEndpointApprovalServes() throws {
        let world = try #require(ApprovalMatrixWorldScope.current)
        let platform = Set(try OpenAPIDocument.endpoints(["platform"]).map(\.description))
        let served = Set(world.running.service.endpoints.map(\.description)).subtracting(platform)
        let covered = Set(Self.endpoints.map(\.name))
        #expect(served.subtracting(covered).isEmpty, "not in the matrix: \(served.subtracting(covered).sorted())")
        #expect(covered.subtracting(served).isEmpty, "not served: \(covered.subtracting(served).sorted())")
    }
}
