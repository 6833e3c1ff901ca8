import Foundation
import Testing

@testable import IdentityService
@testable import Shared

/// Logging in, refreshing and logging out.
@Suite struct SessionLoginTests {
    @Test func theBootstrapSupportAccountLogsInWithoutChangingItsPassword() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }

        let body = try fixture.logIn(IdentityFixture.supportEmail, IdentityFixture.supportPassword)

        #expect(body["tokenType"] as? String == "Bearer")
        #expect(body["mustChangePassword"] as? Bool == false)
        #expect(body["expiresIn"] as? Int == 900)
        let claims = try fixture.accessTokenVerifier.verify(
            try #require(body["accessToken"] as? String), as: AccessClaims.self)
        #expect(claims.vendorRole == .support)
        #expect(claims.clientCode == nil)
        let registered = try fixture.outboxEvents(UserRegistered.self)
        #expect(registered.count == 1)
        #expect(registered.first?.data.user.code == "SUPPORT")
        #expect(registered.first?.data.sealedInitialPassword == nil)
    }

    @Test func aSecondStartCreatesNoSecondSupportAccount() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }

        try fixture.identity.startup()

        let count = try fixture.service.context.pool.withConnection { connection in
            try connection.query("SELECT count(*) FROM app_user WHERE vendor_role = 'support'")[0].decode(
                Int.self, at: 0)
        }
        #expect(count == 1)
    }

    @Test func aWrongPasswordAndAnUnknownEmailGetTheSameAnswer() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }

        let wrongPassword = try fixture.send(
            "POST", "/sessions", json: ["email": IdentityFixture.supportEmail, "password": "not the password at all"])
        let unknownUser = try fixture.send(
            "POST", "/sessions", json: ["email": "nobody@vendor.test", "password": "not the password at all"])

        #expect(wrongPassword.status == 401)
        #expect(unknownUser.status == 401)
        #expect(wrongPassword.body == unknownUser.body)
    }

    @Test func theAccessTokenCarriesTheUsersClientAndFlags() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let id = try fixture.insertUser(email: "ana@acme.test", password: "lilac mountain river", isApprover: true)

        let before = Date(timeIntervalSince1970: fixture.clock.now.timeIntervalSince1970.rounded(.down))
        let (access, _) = try fixture.tokens("ANA@acme.test", "lilac mountain river")
        let claims = try fixture.accessTokenVerifier.verify(access, as: AccessClaims.self)

        #expect(claims.userID == id)
        #expect(claims.clientCode == "ACME")
        #expect(claims.isApprover)
        #expect(!claims.isManager)
        #expect(claims.vendorRole == nil)
        #expect(!claims.mustChangePassword)
        #expect(claims.audience.contains(fixture.service.context.configuration.jwtAudience))
        #expect(claims.issuedAt == before)
        #expect(claims.expiresAt == before.addingTimeInterval(900))
    }

    @Test func anInactiveUserOrAnExpiredInitialPasswordCannotLogIn() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        try fixture.insertUser(email: "off@acme.test", password: "lilac mountain river", isActive: false)
        try fixture.insertUser(
            email: "late@acme.test", password: "lilac mountain river", mustChangePassword: true,
            initialPasswordExpiresAt: fixture.clock.now.addingTimeInterval(-60))

        let inactive = try fixture.send(
            "POST", "/sessions", json: ["email": "off@acme.test", "password": "lilac mountain river"])
        let expired = try fixture.send(
            "POST", "/sessions", json: ["email": "late@acme.test", "password": "lilac mountain river"])

        #expect(inactive.status == 401)
        #expect(expired.status == 401)
        #expect(try IdentityFixture.problemType(expired) == "/problems/unauthorized")
    }

    @Test func aRefreshRotatesAndTheReuseOfASpentTokenRevokesTheFamily() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let (_, first) = try fixture.tokens(IdentityFixture.supportEmail, IdentityFixture.supportPassword)

        let rotated = try fixture.send("POST", "/sessions/refresh", json: ["refreshToken": first])
        #expect(rotated.status == 200, "\(rotated.text)")
        let second = try #require(try IdentityFixture.object(rotated)["refreshToken"] as? String)
        #expect(second != first)
        let access = try #require(try IdentityFixture.object(rotated)["accessToken"] as? String)
        #expect(try fixture.accessTokenVerifier.verify(access, as: AccessClaims.self).vendorRole == .support)

        let reused = try fixture.send("POST", "/sessions/refresh", json: ["refreshToken": first])
        #expect(reused.status == 401)
        let newest = try fixture.send("POST", "/sessions/refresh", json: ["refreshToken": second])
        #expect(newest.status == 401)
    }

    @Test func aRefreshSeesFlagChangesAndRefusesAUserThatCannotAct() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let id = try fixture.insertUser(email: "ana@acme.test", password: "lilac mountain river")
        let (_, refresh) = try fixture.tokens("ana@acme.test", "lilac mountain river")
        try fixture.service.context.pool.withConnection { connection in
            _ = try connection.execute("UPDATE app_user SET is_manager = true WHERE id = $1", id)
        }

        let rotated = try fixture.send("POST", "/sessions/refresh", json: ["refreshToken": refresh])
        let body = try IdentityFixture.object(rotated)
        let claims = try fixture.accessTokenVerifier.verify(
            try #require(body["accessToken"] as? String), as: AccessClaims.self)
        #expect(claims.isManager)

        try fixture.service.context.pool.withConnection { connection in
            _ = try connection.execute("UPDATE app_user SET is_active = false WHERE id = $1", id)
        }
        let refused = try fixture.send(
            "POST", "/sessions/refresh", json: ["refreshToken": try #require(body["refreshToken"] as? String)])
        #expect(refused.status == 401)
    }

    @Test func anUnknownOrExpiredRefreshTokenIsRefused() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let (_, refresh) = try fixture.tokens(IdentityFixture.supportEmail, IdentityFixture.supportPassword)

        let unknown = try fixture.send("POST", "/sessions/refresh", json: ["refreshToken": Sodium.randomToken()])
        #expect(unknown.status == 401)

        fixture.clock.set(fixture.clock.now.addingTimeInterval(8 * 3600 + 1))
        let expired = try fixture.send("POST", "/sessions/refresh", json: ["refreshToken": refresh])
        #expect(expired.status == 401)
    }

    @Test func loggingOutRevokesTheSessionsRefreshToken() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let (access, refresh) = try fixture.tokens(IdentityFixture.supportEmail, IdentityFixture.supportPassword)

        let loggedOut = try fixture.send("DELETE", "/sessions/current", token: access, json: ["refreshToken": refresh])
        #expect(loggedOut.status == 204)

        let refreshed = try fixture.send("POST", "/sessions/refresh", json: ["refreshToken": refresh])
        #expect(refreshed.status == 401)
        let anonymous = try fixture.send("DELETE", "/sessions/current", json: ["refreshToken": refresh])
        #expect(anonymous.status == 401)
    }

    @Test func loggingOutLeavesAnotherUsersSessionAlone() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        try fixture.insertUser(email: "ana@acme.test", password: "lilac mountain river")
        let (access, _) = try fixture.tokens("ana@acme.test", "lilac mountain river")
        let (_, supportRefresh) = try fixture.tokens(IdentityFixture.supportEmail, IdentityFixture.supportPassword)

        let loggedOut = try fixture.send(
            "DELETE", "/sessions/current", token: access, json: ["refreshToken": supportRefresh])
        #expect(loggedOut.status == 204)

        let refreshed = try fixture.send("POST", "/sessions/refresh", json: ["refreshToken": supportRefresh])
        #expect(refreshed.status == 200)
    }

    @Test func thePublishedKeyVerifiesTheAccessTokens() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let (access, _) = try fixture.tokens(IdentityFixture.supportEmail, IdentityFixture.supportPassword)

        let response = try fixture.send("GET", "/keys")
        #expect(response.status == 200)
        let keys = try #require(try IdentityFixture.object(response)["keys"] as? [[String: Any]])
        let key = try #require(keys.first)
        #expect(keys.count == 1)
        #expect(key["kty"] as? String == "OKP")
        #expect(key["crv"] as? String == "Ed25519")
        let publicKey = try Ed25519.PublicKey(base64URL: try #require(key["x"] as? String))
        #expect(key["kid"] as? String == publicKey.thumbprint)
        let verifier = TokenVerifier(
            publicKeys: [publicKey.thumbprint: publicKey], audience: fixture.service.context.configuration.jwtAudience)
        #expect(try verifier.verify(access, as: AccessClaims.self).vendorRole == .support)
    }
}
