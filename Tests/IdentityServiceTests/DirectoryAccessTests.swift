import Foundation
import Testing

@testable import IdentityService
@testable import Shared

/// Access rules beyond the matrix of IdentityAccessMatrixTests: what a manager may not do to
/// flagged users or itself, and how soon a removed flag stops working.
@Suite(.serialized)
struct DirectoryAccessTests {
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
