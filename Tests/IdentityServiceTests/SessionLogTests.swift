import Foundation
import Testing

@testable import IdentityService
@testable import Shared

/// What the session endpoints write to the log.
@Suite struct SessionLogTests {
    @Test func noPasswordHashOrTokenReachesTheLog() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let initial = "initial-Xq83-pw"
        let chosen = "amber kettle orbit"
        let id = try fixture.insertUser(
            email: "ana@acme.test", password: initial, mustChangePassword: true,
            initialPasswordExpiresAt: fixture.clock.now.addingTimeInterval(3600))
        var secrets = [initial, chosen, IdentityFixture.supportPassword, "a wrong guess"]

        _ = try fixture.send("POST", "/sessions", json: ["email": "ana@acme.test", "password": "a wrong guess"])
        let login = try fixture.logIn("ana@acme.test", initial)
        let firstRefresh = try #require(login["refreshToken"] as? String)
        let refreshed = try IdentityFixture.object(
            try fixture.send("POST", "/sessions/refresh", json: ["refreshToken": firstRefresh]))
        let access = try #require(refreshed["accessToken"] as? String)
        let changed = try IdentityFixture.object(
            try fixture.send(
                "POST", "/users/me/password", token: access, json: ["currentPassword": initial, "newPassword": chosen]))
        let newAccess = try #require(changed["accessToken"] as? String)
        let assertion = try IdentityFixture.object(
            try fixture.send(
                "POST", "/signature-assertions", token: newAccess,
                json: [
                    "boletas": [["number": 7, "contentHash": String(repeating: "3c", count: 32)]], "password": chosen,
                ]))
        _ = try fixture.send("POST", "/sessions/refresh", json: ["refreshToken": firstRefresh])
        let support = try fixture.logIn(IdentityFixture.supportEmail, IdentityFixture.supportPassword)

        for body in [login, refreshed, changed, support] {
            secrets.append(try #require(body["accessToken"] as? String))
            secrets.append(try #require(body["refreshToken"] as? String))
        }
        secrets.append(try #require(assertion["assertion"] as? String))
        secrets += try fixture.service.context.pool.withConnection { connection in
            try connection.query("SELECT password_hash FROM app_user").map { try $0.decode(String.self, at: 0) }
        }

        let lines = fixture.logs.lines
        #expect(lines.contains { $0.contains("Password changed") && $0.contains(id.uuidString) })
        for secret in secrets {
            #expect(!lines.contains { $0.contains(secret) }, "a log line holds a secret")
        }
    }
}
