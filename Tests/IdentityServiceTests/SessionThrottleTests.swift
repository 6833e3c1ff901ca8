import Foundation
import Testing

@testable import IdentityService
@testable import Shared

/// Throttling of password checks per account and per address.
@Suite struct SessionThrottleTests {
    static let password = "lilac mountain river"

    private func attempt(_ fixture: IdentityFixture, _ email: String, _ password: String) throws -> HTTPClient.Response
    {
        try fixture.send("POST", "/sessions", json: ["email": email, "password": password])
    }

    @Test func fiveWrongPasswordsBlockTheAccountBrieflyAndThenTheRightOneWorks() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        try fixture.insertUser(email: "ana@acme.test", password: Self.password)

        for _ in 1...5 {
            #expect(try attempt(fixture, "ana@acme.test", "wrong guess here").status == 401)
        }
        let blocked = try attempt(fixture, "Ana@Acme.test", Self.password)
        #expect(blocked.status == 429)
        #expect(blocked.headers["Retry-After"] == "30")
        #expect(try IdentityFixture.problemType(blocked) == "/problems/too-many-requests")

        fixture.clock.set(fixture.clock.now.addingTimeInterval(31))
        #expect(try attempt(fixture, "ana@acme.test", Self.password).status == 200)
    }

    @Test func furtherFailuresAfterABlockDoubleIt() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        try fixture.insertUser(email: "ana@acme.test", password: Self.password)
        for _ in 1...5 { _ = try attempt(fixture, "ana@acme.test", "wrong guess here") }

        fixture.clock.set(fixture.clock.now.addingTimeInterval(31))
        #expect(try attempt(fixture, "ana@acme.test", "wrong guess again").status == 401)

        let blocked = try attempt(fixture, "ana@acme.test", Self.password)
        #expect(blocked.status == 429)
        #expect(blocked.headers["Retry-After"] == "60")
    }

    @Test func oneAccountsFailuresDoNotBlockAnotherAccountFromTheSameAddress() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        try fixture.insertUser(email: "ana@acme.test", password: Self.password)
        try fixture.insertUser(email: "bia@acme.test", password: Self.password)

        for _ in 1...5 { _ = try attempt(fixture, "ana@acme.test", "wrong guess here") }

        #expect(try attempt(fixture, "ana@acme.test", Self.password).status == 429)
        #expect(try attempt(fixture, "bia@acme.test", Self.password).status == 200)
    }

    @Test func twentyFailuresFromOneAddressBlockEveryAccountFromIt() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        try fixture.insertUser(email: "ana@acme.test", password: Self.password)

        for index in 1...20 {
            #expect(try attempt(fixture, "guess\(index)@acme.test", "wrong guess here").status == 401)
        }

        let blocked = try attempt(fixture, "ana@acme.test", Self.password)
        #expect(blocked.status == 429)
        #expect(blocked.headers["Retry-After"] != nil)
    }

    @Test func aSuccessClearsTheAccountsFailures() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        try fixture.insertUser(email: "ana@acme.test", password: Self.password)

        for _ in 1...4 { _ = try attempt(fixture, "ana@acme.test", "wrong guess here") }
        #expect(try attempt(fixture, "ana@acme.test", Self.password).status == 200)
        for _ in 1...4 { _ = try attempt(fixture, "ana@acme.test", "wrong guess here") }

        #expect(try attempt(fixture, "ana@acme.test", Self.password).status == 200)
    }
}
