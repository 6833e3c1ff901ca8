import Foundation
import Testing

@testable import IdentityService
@testable import Shared

/// Changing one's password, the gate before it, and the password policy.
@Suite struct SessionPasswordTests {
    static let initialPassword = "initial-Xq83-pw"

    @Test func aUserThatMustChangeItsPasswordCanDoNothingElseUntilItHas() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let id = try fixture.insertUser(
            email: "new@acme.test", password: Self.initialPassword, mustChangePassword: true,
            initialPasswordExpiresAt: fixture.clock.now.addingTimeInterval(3600))
        let login = try fixture.logIn("new@acme.test", Self.initialPassword)
        #expect(login["mustChangePassword"] as? Bool == true)
        let access = try #require(login["accessToken"] as? String)
        let assertion: [String: Any] = [
            "boletas": [["number": 1, "contentHash": String(repeating: "ab", count: 32)]],
            "password": Self.initialPassword,
        ]

        let gated = try fixture.send("POST", "/signature-assertions", token: access, json: assertion)
        #expect(gated.status == 403)
        #expect(try IdentityFixture.problemType(gated) == "/problems/must-change-password")

        let changed = try fixture.send(
            "POST", "/users/me/password", token: access,
            json: ["currentPassword": Self.initialPassword, "newPassword": "amber kettle orbit"])
        #expect(changed.status == 200, "\(changed.text)")
        let body = try IdentityFixture.object(changed)
        #expect(body["mustChangePassword"] as? Bool == false)
        let newAccess = try #require(body["accessToken"] as? String)
        #expect(try !fixture.accessTokenVerifier.verify(newAccess, as: AccessClaims.self).mustChangePassword)

        var signing = assertion
        signing["password"] = "amber kettle orbit"
        let through = try fixture.send("POST", "/signature-assertions", token: newAccess, json: signing)
        #expect(through.status == 200, "\(through.text)")

        let events = try fixture.outboxEvents(PasswordChanged.self)
        #expect(events.map(\.data.userId) == [id])
        #expect(
            try fixture.send("POST", "/sessions", json: ["email": "new@acme.test", "password": Self.initialPassword])
                .status == 401)
        _ = try fixture.logIn("new@acme.test", "amber kettle orbit")
    }

    @Test func changingThePasswordEndsTheOtherSessions() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        try fixture.insertUser(email: "ana@acme.test", password: "lilac mountain river")
        let (_, otherDevice) = try fixture.tokens("ana@acme.test", "lilac mountain river")
        let (access, _) = try fixture.tokens("ana@acme.test", "lilac mountain river")

        let changed = try fixture.send(
            "POST", "/users/me/password", token: access,
            json: ["currentPassword": "lilac mountain river", "newPassword": "amber kettle orbit"])
        #expect(changed.status == 200)

        let refreshed = try fixture.send("POST", "/sessions/refresh", json: ["refreshToken": otherDevice])
        #expect(refreshed.status == 401)
    }

    @Test func aWrongCurrentPasswordChangesNothing() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        try fixture.insertUser(email: "ana@acme.test", password: "lilac mountain river")
        let (access, _) = try fixture.tokens("ana@acme.test", "lilac mountain river")

        let refused = try fixture.send(
            "POST", "/users/me/password", token: access,
            json: ["currentPassword": "not my password", "newPassword": "amber kettle orbit"])

        #expect(refused.status == 401)
        _ = try fixture.logIn("ana@acme.test", "lilac mountain river")
    }

    /// New passwords and whether the policy accepts them, for `ana@acme.test`, "Maria Silva", code `001`.
    static let policyCases: [(password: String, isAccepted: Bool)] = [
        ("short-pw", false),
        ("elevenchars", false),
        ("password1234", false),
        ("P@ssw0rd2024!", false),
        ("senhasenha12", false),
        ("123456789012", false),
        ("aaaaaaaaaaaaaaaa", false),
        ("correct horse battery staple", false),
        ("ana@acme.test", false),
        ("ANA@ACME.TEST", false),
        ("maria silva", false),
        ("violet-canoe", true),
        ("açaí com guaraná na praia de Iracema", true),
        ("日本語のパスワードです長い", true),
        (String(repeating: "xy", count: 64), true),
        (String(repeating: "xy", count: 64) + "z", false),
    ]

    @Test(arguments: policyCases)
    func thePasswordPolicyFollowsCurrentGuidance(password: String, isAccepted: Bool) {
        let refusal = PasswordPolicy.refusal(of: password, email: "ana@acme.test", name: "maria silva", code: "001")
        #expect((refusal == nil) == isAccepted, "\(password): \(refusal ?? "accepted")")
    }

    @Test func aRefusedPasswordIsAnsweredWithTheFieldAndTheReason() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        try fixture.insertUser(email: "ana@acme.test", password: "lilac mountain river")
        let (access, _) = try fixture.tokens("ana@acme.test", "lilac mountain river")

        let refused = try fixture.send(
            "POST", "/users/me/password", token: access,
            json: ["currentPassword": "lilac mountain river", "newPassword": "password1234"])

        #expect(refused.status == 422)
        let errors = try #require(try IdentityFixture.object(refused)["errors"] as? [[String: Any]])
        #expect(errors.first?["field"] as? String == "newPassword")
        #expect((errors.first?["message"] as? String)?.contains("common") == true)
    }
}
