import Foundation
import Testing

@testable import IdentityService
@testable import Shared

/// Who calls, in the access matrix.
enum CallerKind: String, CaseIterable, Sendable {
    case support, technician, management, managerOfClient, managerOfOtherClient, approver, plainUser, noToken
}

/// One endpoint of the matrix and the status each caller gets.
struct AccessCase: Sendable {
    var name: String
    var method: String
    /// The path; may create a fresh target, so that every caller finds the same state.
    var path: @Sendable (DirectoryWorld) throws -> String
    var body: (@Sendable () -> [String: Any])?
    var expected: [CallerKind: Int]

    /// A case where every caller in `statuses` order gets the status at its position.
    init(
        _ name: String, _ method: String, body: (@Sendable () -> [String: Any])? = nil,
        path: @escaping @Sendable (DirectoryWorld) throws -> String, _ statuses: [Int]
    ) {
        precondition(statuses.count == CallerKind.allCases.count, "one status per caller")
        self.name = name
        self.method = method
        self.path = path
        self.body = body
        self.expected = Dictionary(uniqueKeysWithValues: zip(CallerKind.allCases, statuses))
    }
}

@Suite(.serialized)
struct DirectoryAccessTests {
    //                          support tech mgmt mgrA mgrB appr plain none
    static let cases: [AccessCase] = [
        AccessCase(
            "register client", "POST", body: { ["code": IdentityFixture.uniqueCode("N"), "name": "Nova"] },
            path: { _ in "/clients" }, [201, 403, 403, 403, 403, 403, 403, 401]),
        AccessCase("list clients", "GET", path: { _ in "/clients" }, [200, 403, 200, 403, 403, 403, 403, 401]),
        AccessCase(
            "get a client", "GET", path: { "/clients/\($0.clientA)" }, [200, 403, 200, 200, 404, 200, 200, 401]),
        AccessCase(
            "update a client", "PATCH", body: { ["name": "Renamed"] }, path: { "/clients/\($0.clientA)" },
            [200, 403, 403, 403, 404, 403, 403, 401]),
        AccessCase(
            "register staff", "POST",
            body: {
                DirectoryWorld.newUserBody().merging(["code": IdentityFixture.uniqueCode("D"), "role": "technician"]) {
                    $1
                }
            },
            path: { _ in "/staff" }, [201, 403, 403, 403, 403, 403, 403, 401]),
        AccessCase(
            "register a user", "POST", body: { DirectoryWorld.newUserBody() }, path: { "/clients/\($0.clientA)/users" },
            [201, 403, 403, 201, 404, 403, 403, 401]),
        AccessCase(
            "list a client's users", "GET", path: { "/clients/\($0.clientA)/users" },
            [200, 403, 200, 200, 404, 403, 403, 401]),
        AccessCase(
            "get a user", "GET", path: { "/users/\($0.plainA.id)" }, [200, 404, 200, 200, 404, 404, 200, 401]),
        AccessCase("get oneself", "GET", path: { _ in "/users/me" }, [200, 200, 200, 200, 200, 200, 200, 401]),
        AccessCase(
            "update a user", "PATCH", body: { ["phone": "+55 11 4444-0000"] },
            path: { "/users/\(try $0.freshUserOfA())" }, [200, 404, 403, 200, 404, 404, 404, 401]),
        AccessCase(
            "delete a user", "DELETE", path: { "/users/\(try $0.freshUserOfA())" },
            [204, 404, 403, 204, 404, 404, 404, 401]),
        AccessCase(
            "set flags", "PUT", body: { ["manager": true, "approver": false, "patNumber": "PAT-1"] },
            path: { "/users/\(try $0.freshUserOfA())/flags" }, [200, 404, 403, 403, 404, 404, 404, 401]),
        AccessCase(
            "read the flag history", "GET", path: { "/users/\($0.plainA.id)/flags/history" },
            [200, 404, 200, 200, 404, 404, 403, 401]),
        AccessCase(
            "reactivate a user", "POST", path: { "/users/\(try $0.freshUserOfA())/reactivation" },
            [200, 404, 403, 200, 404, 404, 404, 401]),
        AccessCase(
            "run a job for a date", "POST", body: { ["period": "2001-01-01"] },
            path: { _ in "/admin/jobs/inactivation/runs" }, [201, 403, 403, 403, 403, 403, 403, 401]),
    ]

    @Test
    func everyEndpointAnswersEachCallerAsItsRolesAllow() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try DirectoryWorld(fixture)
        let callers: [CallerKind: String?] = [
            .support: world.support.token, .technician: world.technician.token, .management: world.management.token,
            .managerOfClient: world.managerA.token, .managerOfOtherClient: world.managerB.token,
            .approver: world.approverA.token, .plainUser: world.plainA.token, .noToken: nil,
        ]
        var mismatches: [String] = []
        for accessCase in Self.cases {
            for kind in CallerKind.allCases {
                let response = try fixture.send(
                    accessCase.method, try accessCase.path(world), token: callers[kind] ?? nil,
                    json: accessCase.body?())
                if response.status != accessCase.expected[kind] {
                    mismatches.append(
                        "\(accessCase.name) as \(kind.rawValue): \(response.status), expected "
                            + "\(accessCase.expected[kind]!) \(response.text.prefix(160))")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }

    @Test
    func aManagerCannotGrantFlagsNorDeleteItselfNorTouchAFlaggedUser() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try DirectoryWorld(fixture)
        var body = DirectoryWorld.newUserBody()
        body["isApprover"] = true
        body["patNumber"] = "PAT-9"

        let grant = try fixture.send("POST", "/clients/\(world.clientA)/users", token: world.managerA.token, json: body)
        let deleteSelf = try fixture.send("DELETE", "/users/\(world.managerA.id)", token: world.managerA.token)
        let deleteApprover = try fixture.send("DELETE", "/users/\(world.approverA.id)", token: world.managerA.token)
        let changeApprover = try fixture.send(
            "PATCH", "/users/\(world.approverA.id)", token: world.managerA.token, json: ["email": "mine@example.com"])
        let changeSelf = try fixture.send(
            "PATCH", "/users/\(world.managerA.id)", token: world.managerA.token, json: ["phone": "+55 11 3333-0000"])

        #expect(grant.status == 403)
        #expect(deleteSelf.status == 403)
        #expect(deleteApprover.status == 403)
        #expect(changeApprover.status == 403)
        #expect(changeSelf.status == 200)
        #expect(try fixture.column("deleted_at IS NULL", of: world.approverA.id, as: Bool.self))
    }

    @Test
    func aManagerWhoseFlagWasRemovedLosesItsPowersBeforeItsTokenExpires() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try DirectoryWorld(fixture)
        let removal = try fixture.send(
            "PUT", "/users/\(world.managerA.id)/flags", token: world.support.token,
            json: ["manager": false, "approver": false, "patNumber": "PAT-77"])
        #expect(removal.status == 200)

        let registration = try fixture.send(
            "POST", "/clients/\(world.clientA)/users", token: world.managerA.token, json: DirectoryWorld.newUserBody())

        #expect(registration.status == 403)
    }
}
