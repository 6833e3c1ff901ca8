import Foundation
import Testing

@testable import IdentityService
@testable import Shared

/// One endpoint of the matrix, how each caller calls it, and the status each caller gets.
struct MatrixEndpoint: Sendable {
    var method: String
    /// The route as the router knows it, such as `/users/{id}`.
    var pattern: String
    /// What sets this row apart from another of the same route, if any.
    var variant: String?
    /// The request a caller makes; makes a fresh target where the request changes one.
    var request: @Sendable (MatrixWorld, MatrixSession) throws -> MatrixRequest
    var expected: [MatrixCaller: Int]

    /// A row where every caller, in ``MatrixCaller`` order, gets the status at its position.
    init(
        _ method: String, _ pattern: String, _ statuses: [Int],
        request: @escaping @Sendable (MatrixWorld, MatrixSession) throws -> MatrixRequest
    ) {
        self.init(method, pattern, nil, statuses, request: request)
    }

    /// Like the other, for one of several rows of the same route, told apart by `variant`.
    init(
        _ method: String, _ pattern: String, _ variant: String?, _ statuses: [Int],
        request: @escaping @Sendable (MatrixWorld, MatrixSession) throws -> MatrixRequest
    ) {
        precondition(statuses.count == MatrixCaller.allCases.count, "one status per caller in \(pattern)")
        self.method = method
        self.pattern = pattern
        self.variant = variant
        self.request = request
        self.expected = Dictionary(uniqueKeysWithValues: zip(MatrixCaller.allCases, statuses))
    }

    var name: String { "\(method) \(pattern)" + (variant.map { " (\($0))" } ?? "") }
}

/// One cell: an endpoint called by one kind of caller.
struct MatrixCell: Sendable, CustomTestStringConvertible {
    var endpoint: MatrixEndpoint
    var caller: MatrixCaller

    var expected: Int { endpoint.expected[caller]! }
    var testDescription: String { "\(endpoint.name) as \(caller.rawValue) answers \(expected)" }
}

/// Every endpoint Identity serves, its own and the platform's, against every kind of caller.
///
/// Where a caller may act, the request is a valid one, so that a 2xx shows the action was done.
@Suite(.serialized, .matrixWorld)
struct IdentityAccessMatrixTests {
    // swift-format-ignore
    //                                       sup  tech mgmt mgrA mgrB appr plain chpw inact none
    static let endpoints: [MatrixEndpoint] = [
        // The platform's.
        MatrixEndpoint("GET", "/healthz", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]) { _, _ in
            MatrixRequest("/healthz")
        },
        MatrixEndpoint("GET", "/readyz", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]) { _, _ in
            MatrixRequest("/readyz")
        },
        MatrixEndpoint("GET", "/metrics", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]) { _, _ in
            MatrixRequest("/metrics")
        },
        MatrixEndpoint("GET", "/admin/parked-events", [200, 403, 403, 403, 403, 403, 403, 403, 403, 401]) { _, _ in
            MatrixRequest("/admin/parked-events")
        },
        MatrixEndpoint(
            "POST", "/admin/parked-events/{id}/replay", [204, 403, 403, 403, 403, 403, 403, 403, 403, 401]
        ) { world, _ in
            MatrixRequest("/admin/parked-events/\(try world.parkedEvent())/replay")
        },
        // Sessions.
        MatrixEndpoint("POST", "/sessions", [200, 200, 200, 200, 200, 200, 200, 200, 401, 401]) { _, caller in
            MatrixRequest("/sessions", json: ["email": caller.email, "password": caller.password])
        },
        MatrixEndpoint("POST", "/sessions/refresh", [200, 200, 200, 200, 200, 200, 200, 200, 401, 401]) { _, caller in
            MatrixRequest("/sessions/refresh", json: ["refreshToken": caller.refreshToken])
        },
        MatrixEndpoint("DELETE", "/sessions/current", [204, 204, 204, 204, 204, 204, 204, 204, 204, 401]) { _, caller in
            MatrixRequest("/sessions/current", json: ["refreshToken": caller.refreshToken])
        },
        MatrixEndpoint("POST", "/users/me/password", [200, 200, 200, 200, 200, 200, 200, 200, 401, 401]) { _, caller in
            MatrixRequest(
                "/users/me/password",
                json: ["currentPassword": caller.password, "newPassword": "another matrix password 9182"])
        },
        MatrixEndpoint(
            "POST", "/signature-assertions", "signing for oneself", [403, 403, 403, 200, 200, 200, 200, 403, 401, 401]
        ) { _, caller in
            MatrixRequest("/signature-assertions", json: MatrixWorld.assertionBody(password: caller.password))
        },
        MatrixEndpoint(
            "POST", "/signature-assertions", "a user of ABS signing on the caller's screen",
            [403, 200, 403, 403, 403, 403, 403, 403, 403, 401]
        ) { world, _ in
            let signer = try world.session(.plainUserOfABS)
            let body = MatrixWorld.assertionBody(password: signer.password, email: signer.email)
            return MatrixRequest("/signature-assertions", json: body)
        },
        MatrixEndpoint("GET", "/keys", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]) { _, _ in
            MatrixRequest("/keys")
        },
        // Clients.
        MatrixEndpoint("POST", "/clients", [201, 403, 403, 403, 403, 403, 403, 403, 403, 401]) { _, _ in
            MatrixRequest("/clients", json: ["code": IdentityFixture.uniqueCode("N"), "name": "Nova Cliente"])
        },
        MatrixEndpoint("GET", "/clients", [200, 403, 200, 403, 403, 403, 403, 403, 403, 401]) { _, _ in
            MatrixRequest("/clients")
        },
        MatrixEndpoint("GET", "/clients/{code}", [200, 403, 200, 200, 404, 200, 200, 403, 200, 401]) { world, _ in
            MatrixRequest("/clients/\(world.abs)")
        },
        MatrixEndpoint("PATCH", "/clients/{code}", [200, 403, 403, 403, 404, 403, 403, 403, 403, 401]) { world, _ in
            MatrixRequest("/clients/\(world.abs)", json: ["name": "A&D TESTE DA QUALIDADE LTDA"])
        },
        // Users.
        MatrixEndpoint("POST", "/staff", [201, 403, 403, 403, 403, 403, 403, 403, 403, 401]) { _, _ in
            MatrixRequest(
                "/staff",
                json: DirectoryWorld.newUserBody().merging(
                    ["code": IdentityFixture.uniqueCode("D"), "role": "technician"]
                ) { $1 })
        },
        MatrixEndpoint("GET", "/staff", [200, 403, 200, 403, 403, 403, 403, 403, 403, 401]) { _, _ in
            MatrixRequest("/staff?role=technician&limit=5")
        },
        MatrixEndpoint(
            "POST", "/clients/{code}/users", [201, 403, 403, 201, 404, 403, 403, 403, 403, 401]
        ) { world, _ in
            MatrixRequest("/clients/\(world.abs)/users", json: DirectoryWorld.newUserBody())
        },
        MatrixEndpoint(
            "GET", "/clients/{code}/users", [200, 403, 200, 200, 404, 403, 403, 403, 403, 401]
        ) { world, _ in
            MatrixRequest("/clients/\(world.abs)/users")
        },
        MatrixEndpoint("GET", "/users/me", [200, 200, 200, 200, 200, 200, 200, 403, 200, 401]) { _, _ in
            MatrixRequest("/users/me")
        },
        MatrixEndpoint(
            "GET", "/users/{id}", "another user of ABS", [200, 404, 200, 200, 404, 404, 404, 403, 404, 401]
        ) { world, _ in
            MatrixRequest("/users/\(try world.freshUserOfABS())")
        },
        MatrixEndpoint(
            "GET", "/users/{id}", "oneself", [200, 200, 200, 200, 200, 200, 200, 403, 200, 401]
        ) { _, caller in
            MatrixRequest("/users/\(caller.id)")
        },
        MatrixEndpoint("PATCH", "/users/{id}", [200, 404, 403, 200, 404, 404, 404, 403, 404, 401]) { world, _ in
            MatrixRequest("/users/\(try world.freshUserOfABS())", json: ["phone": "+55 11 4444-0000"])
        },
        MatrixEndpoint("DELETE", "/users/{id}", [204, 404, 403, 204, 404, 404, 404, 403, 404, 401]) { world, _ in
            MatrixRequest("/users/\(try world.freshUserOfABS())")
        },
        MatrixEndpoint(
            "POST", "/users/{id}/initial-password", "another user of ABS",
            [202, 404, 403, 202, 404, 404, 404, 403, 404, 401]
        ) { world, _ in
            MatrixRequest("/users/\(try world.freshUserOfABS())/initial-password")
        },
        MatrixEndpoint(
            "POST", "/users/{id}/initial-password", "oneself", [202, 403, 403, 403, 403, 403, 403, 403, 403, 401]
        ) { _, caller in
            MatrixRequest("/users/\(caller.id)/initial-password")
        },
        MatrixEndpoint("PUT", "/users/{id}/flags", [200, 404, 403, 403, 404, 404, 404, 403, 404, 401]) { world, _ in
            MatrixRequest(
                "/users/\(try world.freshUserOfABS())/flags",
                json: ["manager": false, "approver": true, "patNumber": "PAT-1"])
        },
        MatrixEndpoint(
            "GET", "/users/{id}/flags/history", [200, 404, 200, 200, 404, 404, 404, 403, 404, 401]
        ) { world, _ in
            MatrixRequest("/users/\(try world.freshUserOfABS())/flags/history")
        },
        MatrixEndpoint(
            "POST", "/users/{id}/reactivation", [200, 404, 403, 200, 404, 404, 404, 403, 404, 401]
        ) { world, _ in
            MatrixRequest("/users/\(try world.freshUserOfABS())/reactivation")
        },
        MatrixEndpoint(
            "POST", "/admin/jobs/{name}/runs", [201, 403, 403, 403, 403, 403, 403, 403, 403, 401]
        ) { _, _ in
            // A date long gone and not used by another cell: the run inactivates nobody, and runs once.
            let day = Int.random(in: 0..<3650)
            let date = Date(timeIntervalSince1970: Double(day) * 86_400)
            return MatrixRequest(
                "/admin/jobs/inactivation/runs",
                json: ["period": PostgresDate(date, in: TimeZone(identifier: "UTC")!).description])
        },
    ]

    static let cells: [MatrixCell] = endpoints.flatMap { endpoint in
        MatrixCaller.allCases.map { MatrixCell(endpoint: endpoint, caller: $0) }
    }

    @Test(arguments: cells)
    func eachCallerGetsTheStatusItsRightsGive(_ cell: MatrixCell) throws {
        let world = try #require(MatrixWorld.current)
        let caller = try world.session(cell.caller)
        let request = try cell.endpoint.request(world, caller)
        let response = try world.fixture.send(
            cell.endpoint.method, request.path, token: caller.accessToken, json: request.json)
        #expect(
            response.status == cell.expected,
            "\(cell.endpoint.name) as \(cell.caller.rawValue): \(response.status) \(response.text.prefix(200))")
    }

    @Test
    func theMatrixCoversEveryEndpointIdentityServes() throws {
        let world = try #require(MatrixWorld.current)
        let served = Set(world.fixture.service.endpoints.map(\.description))
        let covered = Set(Self.endpoints.map { "\($0.method) \($0.pattern)" })
        #expect(served.subtracting(covered).isEmpty, "not in the matrix: \(served.subtracting(covered).sorted())")
        #expect(covered.subtracting(served).isEmpty, "not served: \(covered.subtracting(served).sorted())")
    }
}
