import Foundation
import Testing

@testable import IdentityService
@testable import Shared

@Suite(.serialized)
struct DirectoryUserTests {
    @Test
    func registrationSetsARandomSealedInitialPasswordThatIsNeverShown() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try DirectoryWorld(fixture)

        let first = try fixture.send(
            "POST", "/clients/\(world.clientA)/users", token: world.support.token, json: DirectoryWorld.newUserBody())
        let second = try fixture.send(
            "POST", "/clients/\(world.clientA)/users", token: world.managerA.token, json: DirectoryWorld.newUserBody())

        #expect(first.status == 201)
        #expect(second.status == 201)
        let ids = try [first, second].map {
            UUID(uuidString: try #require(try IdentityFixture.object($0)["id"] as? String))!
        }
        let events = try fixture.registrations()
        #expect(events.map(\.data.user.userId) == ids)
        var passwords: [String] = []
        for (event, id) in zip(events, ids) {
            let sealed = try Sodium.base64URLDecode(try #require(event.data.sealedInitialPassword))
            let password = String(decoding: try SealedBox.open(sealed, with: fixture.mailKeys), as: UTF8.self)
            let hash = try fixture.column("password_hash", of: id, as: String.self)
            #expect(password.count == 16)
            #expect(fixture.identity.hasher.verify(password, against: hash))
            #expect(!hash.contains(password))
            #expect(try fixture.column("must_change_password", of: id, as: Bool.self))
            #expect(event.clientCode == world.clientA)
            passwords.append(password)
        }
        #expect(passwords[0] != passwords[1])
        let everything = first.text + second.text + fixture.logs.lines.joined() + events.map { "\($0)" }.joined()
        for password in passwords { #expect(!everything.contains(password)) }
    }

    @Test
    func aNewUserIsActiveForOneCycleAndItsPasswordExpires() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try DirectoryWorld(fixture)

        let response = try fixture.send(
            "POST", "/clients/\(world.clientA)/users", token: world.support.token, json: DirectoryWorld.newUserBody())

        let body = try IdentityFixture.object(response)
        #expect(body["activeUntil"] as? String == fixture.today.adding(days: 90).description)
        #expect(body["isManager"] as? Bool == false)
        let id = try #require(UUID(uuidString: body["id"] as? String ?? ""))
        let expiresAt = try fixture.column("initial_password_expires_at", of: id, as: Date.self)
        #expect(abs(expiresAt.timeIntervalSince(fixture.clock.now) - 72 * 3600) < 5)
    }

    @Test
    func aSecondUserWithTheSameEmailIsAConflict() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try DirectoryWorld(fixture)
        var body = DirectoryWorld.newUserBody()
        body["email"] = "Same.Person@Example.com"
        let first = try fixture.send("POST", "/clients/\(world.clientA)/users", token: world.support.token, json: body)
        var again = DirectoryWorld.newUserBody()
        again["email"] = "same.person@example.com"

        let inOtherClient = try fixture.send(
            "POST", "/clients/\(world.clientB)/users", token: world.support.token, json: again)
        let change = try fixture.send(
            "PATCH", "/users/\(world.plainA.id)", token: world.support.token, json: ["email": "SAME.person@example.com"]
        )

        #expect(first.status == 201)
        #expect(inOtherClient.status == 409)
        #expect(change.status == 409)
        #expect(try fixture.registrations().count == 1)
    }

    static var invalidBodies: [(body: [String: Any], fields: Set<String>)] {
        [
            (
                ["code": "#1", "name": " ", "email": "nope", "birthday": "2026-02-30", "phone": "call me"],
                ["code", "name", "email", "birthday", "phone"]
            ),
            (["name": "Ana"], ["code", "email"]),
            (DirectoryWorld.newUserBody().merging(["isManager": true]) { $1 }, ["patNumber"]),
        ]
    }

    @Test(arguments: 0..<3)
    func anInvalidRegistrationNamesEveryBadField(index: Int) throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try DirectoryWorld(fixture)
        let (body, fields) = Self.invalidBodies[index]

        let response = try fixture.send(
            "POST", "/clients/\(world.clientA)/users", token: world.support.token, json: body)

        #expect(response.status == 422)
        #expect(try IdentityFixture.invalidFields(response) == fields)
    }

    @Test
    func anInvalidClientNamesEveryBadFieldAndADuplicateCodeIsAConflict() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try DirectoryWorld(fixture)

        let invalid = try fixture.send(
            "POST", "/clients", token: world.support.token, json: ["code": "ab c", "name": "", "timeZone": "Mars/Base"])
        let duplicate = try fixture.send(
            "POST", "/clients", token: world.support.token, json: ["code": world.clientA, "name": "Outra"])
        let created = try fixture.send(
            "POST", "/clients", token: world.support.token,
            json: ["code": "ABS", "name": "A&D TESTE DA QUALIDADE LTDA", "timeZone": "America/Manaus"])

        #expect(invalid.status == 422)
        #expect(try IdentityFixture.invalidFields(invalid) == ["code", "name", "timeZone"])
        #expect(duplicate.status == 409)
        #expect(created.status == 201)
        let registered = try fixture.outboxEvents(ClientRegistered.self)
        #expect(
            registered.map { "\($0.data.code) \($0.data.name) \($0.data.timeZone)" } == [
                "ABS A&D TESTE DA QUALIDADE LTDA America/Manaus"
            ])
    }

    @Test
    func deletingAUserKeepsItsRowAndHidesItFromItsManager() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try DirectoryWorld(fixture)

        let deletion = try fixture.send("DELETE", "/users/\(world.plainA.id)", token: world.managerA.token)

        #expect(deletion.status == 204)
        #expect(try fixture.column("deleted_at IS NOT NULL", of: world.plainA.id, as: Bool.self))
        #expect(try fixture.outboxEvents(UserDeleted.self).map(\.data.userId) == [world.plainA.id])
        let asSupport = try fixture.send("GET", "/users/\(world.plainA.id)", token: world.support.token)
        #expect(try IdentityFixture.object(asSupport)["isDeleted"] as? Bool == true)
        #expect(try fixture.send("GET", "/users/\(world.plainA.id)", token: world.managerA.token).status == 404)
        let list = try fixture.send("GET", "/clients/\(world.clientA)/users", token: world.managerA.token)
        #expect(!list.text.contains(world.plainA.id.uuidString))
        #expect(try fixture.send("DELETE", "/users/\(world.plainA.id)", token: world.support.token).status == 404)
    }

    @Test
    func grantingAFlagNeedsAPATAndIsAudited() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try DirectoryWorld(fixture)
        let path = "/users/\(world.plainA.id)/flags"

        let withoutPAT = try fixture.send(
            "PUT", path, token: world.support.token, json: ["manager": true, "approver": false])
        let grant = try fixture.send(
            "PUT", path, token: world.support.token, json: ["manager": true, "approver": true, "patNumber": "PAT-42"])
        let removal = try fixture.send(
            "PUT", path, token: world.support.token, json: ["manager": false, "approver": true, "patNumber": "PAT-43"])
        let onStaff = try fixture.send(
            "PUT", "/users/\(world.technician.id)/flags", token: world.support.token,
            json: ["manager": true, "approver": false, "patNumber": "PAT-44"])

        #expect(withoutPAT.status == 422)
        #expect(try IdentityFixture.invalidFields(withoutPAT) == ["patNumber"])
        #expect(grant.status == 200)
        #expect(removal.status == 200)
        #expect(onStaff.status == 422)
        #expect(try fixture.column("is_manager", of: world.plainA.id, as: Bool.self) == false)
        #expect(try fixture.column("is_approver", of: world.plainA.id, as: Bool.self))
        let events = try fixture.outboxEvents(UserFlagsChanged.self)
        #expect(events.map(\.data.patNumber) == ["PAT-42", "PAT-43"])
        let history = try fixture.send("GET", "\(path)/history", token: world.managerA.token)
        let items = try #require(try IdentityFixture.object(history)["items"] as? [[String: Any]])
        let audit = items.map { "\($0["flag"]!) \($0["granted"]!) \($0["patNumber"]!) \($0["changedBy"]!)" }
        let support = world.support.id.uuidString
        #expect(
            audit.sorted() == [
                "approver 1 PAT-42 \(support)", "manager 0 PAT-43 \(support)", "manager 1 PAT-42 \(support)",
            ])
    }

    @Test
    func staffAreRegisteredWithARoleAndNoActivationCycle() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try DirectoryWorld(fixture)
        var body = DirectoryWorld.newUserBody()
        body["code"] = "D51591"

        let unknownRole = try fixture.send(
            "POST", "/staff", token: world.support.token, json: body.merging(["role": "boss"]) { $1 })
        let created = try fixture.send(
            "POST", "/staff", token: world.support.token, json: body.merging(["role": "technician"]) { $1 })

        #expect(unknownRole.status == 422)
        #expect(try IdentityFixture.invalidFields(unknownRole) == ["role"])
        let staff = try IdentityFixture.object(created)
        #expect(staff["vendorRole"] as? String == "technician")
        #expect(staff["clientCode"] == nil)
        #expect(staff["activeUntil"] == nil)
        let event = try #require(try fixture.registrations().first)
        #expect(event.data.user.vendorRole == .technician)
        #expect(event.data.sealedInitialPassword != nil)
    }

    @Test
    func supportRegistersAManagerWithThePATThatAskedForIt() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try DirectoryWorld(fixture)
        let body = DirectoryWorld.newUserBody().merging(["isManager": true, "patNumber": "PAT-7"]) { $1 }

        let response = try fixture.send(
            "POST", "/clients/\(world.clientA)/users", token: world.support.token, json: body)

        let user = try IdentityFixture.object(response)
        #expect(user["isManager"] as? Bool == true)
        let id = try #require(user["id"] as? String)
        let history = try fixture.send("GET", "/users/\(id)/flags/history", token: world.support.token)
        let items = try #require(try IdentityFixture.object(history)["items"] as? [[String: Any]])
        #expect(items.map { "\($0["flag"]!) \($0["patNumber"]!)" } == ["manager PAT-7"])
    }
}
