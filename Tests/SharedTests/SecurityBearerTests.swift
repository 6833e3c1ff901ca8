import Foundation
import Testing

@testable import Shared

struct SecurityBearerTests {
    let fixture: SecurityTokenFixture
    let authenticator: BearerAuthenticator

    init() throws {
        fixture = try SecurityTokenFixture()
        authenticator = BearerAuthenticator(verifier: fixture.verifier())
    }

    @Test func aValidBearerTokenYieldsItsPrincipal() throws {
        let principal = try authenticator.authenticate(authorization: "Bearer \(fixture.validToken())")
        #expect(principal.userID == SecurityTokenFixture.userID)
        #expect(principal.clientCode == "ACME")
        #expect(principal.isManager(of: "ACME"))
        #expect(!principal.isVendorStaff)
    }

    @Test func theSchemeIsReadInAnyCaseAndSpacesAreTolerated() throws {
        let token = try fixture.validToken()
        #expect(try authenticator.authenticate(authorization: "bearer \(token)").clientCode == "ACME")
        #expect(try authenticator.authenticate(authorization: "  BEARER   \(token) ").clientCode == "ACME")
    }

    @Test(arguments: [
        nil, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "Bearer a b", "Bearer not-a-token",
        "Bearerabc.def.ghi",
    ])
    func aMissingOrUnusableHeaderAnswers401(authorization: String?) {
        let error = #expect(throws: HTTPError.self) { try authenticator.authenticate(authorization: authorization) }
        #expect(error?.status == 401)
        #expect(error?.code == .unauthorized)
    }

    @Test func aRefusedTokenAnswers401WithTheReasonForTheLog() throws {
        let expired = fixture.forge(
            payload: try fixture.payload {
                $0["exp"] = 1_700_000_000; $0["iat"] = 1_699_999_000
            })
        let error = #expect(throws: HTTPError.self) {
            try authenticator.authenticate(authorization: "Bearer \(expired)")
        }
        #expect(error?.status == 401)
        #expect(error?.detail == "The token has expired.")
        #expect((error?.cause as? TokenError)?.code == .expired)
        #expect(error.map { String(describing: $0).contains(expired) } == false)
    }

    @Test func vendorStaffHaveARoleAndNoClient() throws {
        let token = fixture.forge(
            payload: try fixture.payload {
                $0["cli"] = nil; $0["mgr"] = nil; $0["vrl"] = "support"
            })
        let principal = try authenticator.authenticate(authorization: "Bearer \(token)")
        #expect(principal.isVendorStaff)
        #expect(principal.hasVendorRole(.support))
        #expect(principal.seesAllClients)
        #expect(!principal.isManager(of: "ACME"))
        #expect(!principal.belongs(to: "ACME"))
    }

    @Test func aManagerOfOneClientIsNoManagerOfAnother() throws {
        let principal = try authenticator.authenticate(authorization: "Bearer \(fixture.validToken())")
        #expect(principal.isManager(of: "ACME"))
        #expect(!principal.isManager(of: "OTHER"))
        #expect(!principal.isApprover(of: "ACME"))
        #expect(!principal.seesAllClients)
    }

    @Test(arguments: [
        ("both a client and a vendor role", #"{"cli":"ACME","vrl":"support"}"#),
        ("neither a client nor a vendor role", #"{}"#),
        ("vendor staff with a manager flag", #"{"vrl":"technician","mgr":true}"#),
        ("an empty client code", #"{"cli":""}"#),
    ])
    func inconsistentPrincipalClaimsAreRefused(name: String, roleFields: String) throws {
        let extra = try #require(try JSONSerialization.jsonObject(with: Data(roleFields.utf8)) as? [String: Any])
        let token = fixture.forge(
            payload: try fixture.payload { fields in
                fields["cli"] = nil
                fields["mgr"] = nil
                fields.merge(extra) { _, new in new }
            })
        let error = #expect(throws: TokenError.self, "\(name)") { try fixture.verifier().principal(from: token) }
        #expect(error?.code == .malformed)
    }

    @Test func aUserThatMustChangeItsPasswordIsStoppedUntilItHas() throws {
        let pending = fixture.forge(payload: try fixture.payload { $0["mcp"] = true })
        let principal = try authenticator.authenticate(authorization: "Bearer \(pending)")
        #expect(principal.mustChangePassword)
        let error = #expect(throws: HTTPError.self) { try principal.requirePasswordChanged() }
        #expect(error?.status == 403)
        #expect(error?.code == .mustChangePassword)

        let settled = try authenticator.authenticate(authorization: "Bearer \(fixture.validToken())")
        #expect(throws: Never.self) { try settled.requirePasswordChanged() }
    }
}
