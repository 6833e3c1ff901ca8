import Foundation
import Testing

@testable import IdentityService
@testable import Shared

/// An initial password works for one login, expires, and can be issued again (R9).
@Suite struct InitialPasswordTests {
    @Test func aSecondLoginWithTheInitialPasswordIsRefusedLikeAWrongPasswordButTheFirstSessionChangesIt() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try InitialPasswordWorld(fixture: fixture)
        let user = try world.register()

        let first = try world.logIn(user.email, user.password)
        #expect(first.status == 200, "\(first.text)")
        #expect(try IdentityFixture.object(first)["mustChangePassword"] as? Bool == true)
        #expect(try fixture.column("initial_password_used_at", of: user.id, as: Date?.self) != nil)
        let second = try world.logIn(user.email, user.password)
        let wrong = try world.logIn(user.email, "not the password at all")
        #expect(second.status == 401)
        #expect(second.body == wrong.body)

        // The one session goes on: its refresh token buys an access token that changes the password.
        let refresh = try #require(try IdentityFixture.object(first)["refreshToken"] as? String)
        let refreshed = try fixture.send("POST", "/sessions/refresh", json: ["refreshToken": refresh])
        #expect(refreshed.status == 200, "\(refreshed.text)")
        let access = try #require(try IdentityFixture.object(refreshed)["accessToken"] as? String)
        let chosen = "amber kettle orbit wide"
        let changed = try fixture.send(
            "POST", "/users/me/password", token: access,
            json: ["currentPassword": user.password, "newPassword": chosen])
        #expect(changed.status == 200, "\(changed.text)")
        #expect(try fixture.column("initial_password_used_at", of: user.id, as: Date?.self) == nil)
        #expect(try world.logIn(user.email, chosen).status == 200)
        #expect(try world.logIn(user.email, chosen).status == 200)
    }

    @Test func aReissuedPasswordLogsInOnceAndTheOldOneNoLonger() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try InitialPasswordWorld(fixture: fixture)
        let user = try world.register()
        let first = try world.logIn(user.email, user.password)
        let oldRefresh = try #require(try IdentityFixture.object(first)["refreshToken"] as? String)

        let response = try world.reissue(user.id, by: world.support)

        #expect(response.status == 202, "\(response.text)")
        let body = try IdentityFixture.object(response)
        #expect(body["id"] as? String == user.id.uuidString)
        #expect(body["mustChangePassword"] as? Bool == true)
        let issued = try #require(try fixture.outboxEvents(InitialPasswordIssued.self).last)
        #expect(issued.data.user.userId == user.id)
        let expiry = fixture.clock.now.addingTimeInterval(72 * 3600)
        #expect(abs(try #require(issued.data.initialPasswordExpiresAt).timeIntervalSince(expiry)) < 1)
        let password = try world.reissuedPassword(of: user.id)
        #expect(password != user.password)
        #expect(!response.text.contains(password))
        // The session of the old password ends with it.
        #expect(try fixture.send("POST", "/sessions/refresh", json: ["refreshToken": oldRefresh]).status == 401)
        #expect(try world.logIn(user.email, user.password).status == 401)
        let login = try world.logIn(user.email, password)
        #expect(login.status == 200, "\(login.text)")
        #expect(try IdentityFixture.object(login)["mustChangePassword"] as? Bool == true)
        #expect(try world.logIn(user.email, password).status == 401)
    }

    @Test func anExpiredInitialPasswordIsRefusedAndAReissueLetsTheUserIn() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try InitialPasswordWorld(fixture: fixture)
        let user = try world.register()
        fixture.clock.set(fixture.clock.now.addingTimeInterval(72 * 3600 + 1))

        let expired = try world.logIn(user.email, user.password)
        let wrong = try world.logIn(user.email, "not the password at all")
        #expect(expired.status == 401)
        #expect(expired.body == wrong.body)

        #expect(try world.reissue(user.id, by: world.manager).status == 202)
        let login = try world.logIn(user.email, try world.reissuedPassword(of: user.id))
        #expect(login.status == 200, "\(login.text)")
    }

    @Test func supportAndTheClientsManagerReissueWhileOthersCannot() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try InitialPasswordWorld(fixture: fixture)
        let target = try fixture.insertUser(client: world.client)
        let otherManager = try fixture.insertUser(client: try fixture.insertClient(), manager: true)
        let plain = try fixture.insertUser(client: world.client)
        let approver = try fixture.insertUser(client: world.client, approver: true)
        let staff = try fixture.insertUser(role: .technician)

        #expect(try world.reissue(target.id, by: otherManager).status == 404)
        #expect(try world.reissue(target.id, by: plain).status == 404)
        #expect(try world.reissue(plain.id, by: plain).status == 403)
        #expect(try world.reissue(approver.id, by: world.manager).status == 403)
        #expect(try world.reissue(staff.id, by: world.manager).status == 404)
        #expect(try fixture.outboxEvents(InitialPasswordIssued.self).isEmpty)

        #expect(try world.reissue(target.id, by: world.manager).status == 202)
        #expect(try world.reissue(target.id, by: world.support).status == 202)
        #expect(try world.reissue(approver.id, by: world.support).status == 202)
        #expect(try world.reissue(staff.id, by: world.support).status == 202)
        #expect(try fixture.outboxEvents(InitialPasswordIssued.self).map(\.data.user.userId) == [
            target.id, target.id, approver.id, staff.id,
        ])
    }

    @Test func aDeletedUserGetsNoNewPassword() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try InitialPasswordWorld(fixture: fixture)
        let target = try fixture.insertUser(client: world.client)
        #expect(try fixture.send("DELETE", "/users/\(target.id)", token: world.support.token).status == 204)

        #expect(try world.reissue(target.id, by: world.support).status == 409)
        #expect(try world.reissue(target.id, by: world.manager).status == 404)
        #expect(try fixture.outboxEvents(InitialPasswordIssued.self).isEmpty)
    }

    @Test func withoutMailsKeyNoPasswordIsIssued() throws {
        let fixture = try IdentityFixture(extraEnvironment: ["MAIL_SEAL_PUBLIC_KEY": ""])
        defer { fixture.stop() }
        let world = try InitialPasswordWorld(fixture: fixture)
        let target = try fixture.insertUser(client: world.client)

        #expect(try world.reissue(target.id, by: world.support).status == 503)
        #expect(try fixture.outboxEvents(InitialPasswordIssued.self).isEmpty)
    }

    @Test func noInitialPasswordReachesALogLineOrAResponse() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try InitialPasswordWorld(fixture: fixture)
        let user = try world.register()
        var responses = [try world.logIn(user.email, user.password), try world.logIn(user.email, user.password)]
        responses.append(try world.reissue(user.id, by: world.manager))
        let password = try world.reissuedPassword(of: user.id)
        responses += [try world.logIn(user.email, password), try world.logIn(user.email, password)]
        responses.append(try world.reissue(user.id, by: world.support))

        let secrets = [user.password, password, try world.reissuedPassword(of: user.id)] + (try world.sealedPasswords())
        #expect(secrets.count == 6)
        let lines = fixture.logs.lines
        #expect(lines.contains { $0.contains("Initial password reissued") && $0.contains(user.id.uuidString) })
        for secret in secrets {
            #expect(!lines.contains { $0.contains(secret) }, "a log line holds an initial password")
            #expect(!responses.contains { $0.text.contains(secret) }, "a response holds an initial password")
        }
    }
}
