import Foundation
import Testing

@testable import BoletaService
@testable import Shared

/// Who sees which PAT (R4, R6): a user its own, a manager its client's, vendor staff all; a PAT
/// one may not see answers as one that does not exist.
struct PatVisibilityTests {
    private typealias Support = PatTestSupport

    /// Client ABS with two plain users and a manager, client XYZ with a manager, and three PATs:
    /// ABS-1 of user 001, ABS-2 of user 002 (closed), XYZ-1 of XYZ's user 001.
    private final class World: Sendable {
        let fixture: BoletaFixture
        let alice = Support.user(client: "ABS", code: "001")
        let bob = Support.user(client: "ABS", code: "002")
        let carol = Support.user(client: "ABS", code: "003", isManager: true)
        let dave = Support.user(client: "XYZ", code: "009", isManager: true)

        init() throws {
            fixture = try BoletaFixture()
            for user in [alice, bob, carol, dave] {
                try fixture.running.publish(Support.registration(user))
            }
            let pool = fixture.service.context.pool
            let dave = dave
            guard try Support.eventually(timeout: .seconds(20), {
                try pool.withConnection { try DirectoryCopy.user(id: dave.userId, on: $0) } != nil
            }) else { throw WorldNotReady() }
            try Support.publish(
                PatOpened.type, Support.pat("ABS-1", contact: "001", updatedAt: "2026-03-01T10:00:00Z"), to: fixture)
            try Support.publish(
                PatClosed.type,
                Support.pat("ABS-2", contact: "002", status: "closed", updatedAt: "2026-03-02T10:00:00Z"), to: fixture)
            try Support.publish(
                PatOpened.type, Support.pat("XYZ-1", client: "XYZ", contact: "001", updatedAt: "2026-03-03T10:00:00Z"),
                to: fixture)
            let fixture = fixture
            guard try Support.eventually(timeout: .seconds(20), { try Support.pats(fixture).count == 3 }) else {
                throw WorldNotReady()
            }
        }

        func token(_ user: UserSummary) throws -> String {
            try fixture.token(userID: user.userId, clientCode: user.clientCode, isManager: user.isManager)
        }

        func staffToken(_ role: VendorRole) throws -> String {
            try fixture.token(vendorRole: role)
        }

        /// The numbers `GET path` lists for `token`.
        func numbers(_ path: String, token: String) throws -> [String] {
            let response = try fixture.send("GET", path, token: token)
            try #require(response.status == 200, "\(response.status) \(response.text)")
            let page = try JSONSerialization.jsonObject(with: response.body) as? [String: Any]
            let items = page?["items"] as? [[String: Any]] ?? []
            return items.compactMap { $0["number"] as? String }
        }

        func status(_ path: String, token: String?) throws -> Int {
            try fixture.send("GET", path, token: token).status
        }
    }

    private struct WorldNotReady: Error {}

    @Test func aPlainUserSeesOnlyThePatsWhoseContactItIs() throws {
        let world = try World()
        defer { world.fixture.stop() }
        let token = try world.token(world.alice)
        #expect(try world.numbers("/pats", token: token) == ["ABS-1"])
        #expect(try world.numbers("/pats?clientCode=XYZ", token: token).isEmpty)
        #expect(try world.status("/pats/ABS-1", token: token) == 200)
        #expect(try world.status("/pats/ABS-2", token: token) == 404)
        #expect(try world.status("/pats/XYZ-1", token: token) == 404)
        #expect(try world.numbers("/pats", token: try world.token(world.bob)) == ["ABS-2"])
    }

    @Test func aManagerSeesEveryPatOfItsClientAndNoneOfAnother() throws {
        let world = try World()
        defer { world.fixture.stop() }
        let carol = try world.token(world.carol)
        #expect(try world.numbers("/pats", token: carol) == ["ABS-2", "ABS-1"])
        #expect(try world.status("/pats/ABS-1", token: carol) == 200)
        #expect(try world.status("/pats/XYZ-1", token: carol) == 404)
        let dave = try world.token(world.dave)
        #expect(try world.numbers("/pats", token: dave) == ["XYZ-1"])
        let response = try world.fixture.send("GET", "/pats/ABS-1", token: dave)
        #expect(response.status == 404)
        #expect(response.headers["Content-Type"] == "application/problem+json")
    }

    @Test func vendorStaffSeeAllPatsAndFilterByClientStatusAndPage() throws {
        let world = try World()
        defer { world.fixture.stop() }
        for role in [VendorRole.technician, .support, .management] {
            let token = try world.staffToken(role)
            #expect(try world.numbers("/pats", token: token) == ["XYZ-1", "ABS-2", "ABS-1"])
            #expect(try world.status("/pats/XYZ-1", token: token) == 200)
        }
        let token = try world.staffToken(.support)
        #expect(try world.numbers("/pats?clientCode=ABS", token: token) == ["ABS-2", "ABS-1"])
        #expect(try world.numbers("/pats?status=closed", token: token) == ["ABS-2"])
        #expect(try world.numbers("/pats?limit=1&offset=1", token: token) == ["ABS-2"])
        #expect(try world.numbers("/pats?limit=2&offset=2", token: token) == ["ABS-1"])
        #expect(try world.status("/pats?limit=0", token: token) == 422)
        #expect(try world.status("/pats?offset=-1", token: token) == 422)
        #expect(try world.status("/pats/NONE", token: token) == 404)
    }

    @Test func aPatAnswersWithItsDetailsAndItsKnownContact() throws {
        let world = try World()
        defer { world.fixture.stop() }
        let response = try world.fixture.send("GET", "/pats/ABS-1", token: try world.token(world.alice))
        let pat = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        #expect(pat["clientCode"] as? String == "ABS")
        #expect(pat["revision"] as? Int == 1)
        #expect(pat["nature"] as? String == "error")
        let contact = try #require(pat["contact"] as? [String: Any])
        #expect(contact["code"] as? String == "001")
        #expect(contact["name"] as? String == "User 001")
        #expect((contact["userId"] as? String)?.lowercased() == world.alice.userId.uuidString.lowercased())
        let attachments = try #require(pat["attachments"] as? [[String: Any]])
        #expect(attachments.first?["name"] as? String == "tela.png")
    }

    @Test func withoutATokenThePatsAnswer401() throws {
        let world = try World()
        defer { world.fixture.stop() }
        #expect(try world.status("/pats", token: nil) == 401)
        #expect(try world.status("/pats/ABS-1", token: nil) == 401)
    }

    @Test func aManagerWhoseFlagWasRemovedSeesOnlyItsOwnPatsBeforeItsTokenExpires() throws {
        let world = try World()
        defer { world.fixture.stop() }
        let token = try world.token(world.carol)
        var demoted = world.carol
        demoted.isManager = false
        try world.fixture.running.publish(UserFlagsChanged(user: demoted, patNumber: "P-0"))
        let pool = world.fixture.service.context.pool
        #expect(
            try Support.eventually {
                try pool.withConnection { try DirectoryCopy.user(id: demoted.userId, on: $0) }?.isManager == false
            })
        #expect(try world.numbers("/pats", token: token).isEmpty)
        #expect(try world.status("/pats/ABS-1", token: token) == 404)
    }
}
