import Foundation
import Testing

@testable import IdentityService
@testable import Shared

/// Signature assertions: the signer's password, just typed, for exact boletas and contents.
@Suite struct SessionAssertionTests {
    static let password = "lilac mountain river"
    static var boletas: [[String: Any]] {
        [
            ["number": 1041, "contentHash": String(repeating: "0f", count: 32)],
            ["number": 1042, "contentHash": String(repeating: "a1", count: 32)],
        ]
    }

    private func verify(_ fixture: IdentityFixture, _ response: HTTPClient.Response) throws -> SignatureAssertionClaims
    {
        let assertion = try #require(try IdentityFixture.object(response)["assertion"] as? String)
        let verifier = TokenVerifier(
            publicKey: fixture.signingKey.publicKey, audience: SignatureAssertionClaims.audience)
        return try verifier.verify(assertion, as: SignatureAssertionClaims.self)
    }

    @Test func aClientUserGetsAnAssertionForItsOwnPassword() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let id = try fixture.insertUser(email: "ana@acme.test", password: Self.password)
        let (access, _) = try fixture.tokens("ana@acme.test", Self.password)

        let response = try fixture.send(
            "POST", "/signature-assertions", token: access, json: ["boletas": Self.boletas, "password": Self.password])

        #expect(response.status == 200, "\(response.text)")
        let claims = try verify(fixture, response)
        #expect(claims.signerID == id)
        #expect(claims.clientCode == "ACME")
        #expect(
            claims.boletas == [
                SignedBoletaContent(number: 1041, contentHash: String(repeating: "0f", count: 32)),
                SignedBoletaContent(number: 1042, contentHash: String(repeating: "a1", count: 32)),
            ])
        #expect(claims.expiresAt.timeIntervalSince(claims.issuedAt) == 120)
        let recorded = try fixture.service.context.pool.withConnection { connection in
            try connection.query("SELECT user_id FROM signature_assertion WHERE id = $1", claims.tokenID)
                .map { try $0.decode(UUID.self, at: 0) }
        }
        #expect(recorded == [id])
        let asAccessToken = try? fixture.accessTokenVerifier.verify(
            try #require(try IdentityFixture.object(response)["assertion"] as? String), as: AccessClaims.self)
        #expect(asAccessToken == nil)
    }

    @Test func aWrongPasswordGetsNoAssertion() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        try fixture.insertUser(email: "ana@acme.test", password: Self.password)
        let (access, _) = try fixture.tokens("ana@acme.test", Self.password)

        let response = try fixture.send(
            "POST", "/signature-assertions", token: access, json: ["boletas": Self.boletas, "password": "wrong one"])

        #expect(response.status == 401)
    }

    @Test func theSignerTypesItsPasswordOnTheTechniciansScreen() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let signer = try fixture.insertUser(email: "ana@acme.test", password: Self.password)
        try fixture.insertUser(
            email: "tec@vendor.test", password: "technician pass phrase", client: nil, vendorRole: .technician)
        let (access, _) = try fixture.tokens("tec@vendor.test", "technician pass phrase")

        let response = try fixture.send(
            "POST", "/signature-assertions", token: access,
            json: ["boletas": Self.boletas, "email": "ana@acme.test", "password": Self.password])

        #expect(response.status == 200, "\(response.text)")
        #expect(try verify(fixture, response).signerID == signer)
    }

    @Test func aSignerThatMustStillChangeItsPasswordCannotSignOnTheTechniciansScreen() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        try fixture.insertUser(
            email: "new@acme.test", password: Self.password, mustChangePassword: true,
            initialPasswordExpiresAt: fixture.clock.now.addingTimeInterval(3600))
        try fixture.insertUser(
            email: "tec@vendor.test", password: "technician pass phrase", client: nil, vendorRole: .technician)
        let (access, _) = try fixture.tokens("tec@vendor.test", "technician pass phrase")

        let response = try fixture.send(
            "POST", "/signature-assertions", token: access,
            json: ["boletas": Self.boletas, "email": "new@acme.test", "password": Self.password])

        #expect(response.status == 403)
        #expect(try IdentityFixture.problemType(response) == "/problems/must-change-password")
    }

    @Test func vendorStaffCannotSign() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let (access, _) = try fixture.tokens(IdentityFixture.supportEmail, IdentityFixture.supportPassword)

        let response = try fixture.send(
            "POST", "/signature-assertions", token: access,
            json: ["boletas": Self.boletas, "password": IdentityFixture.supportPassword])

        #expect(response.status == 403)
    }

    @Test func aClientUserCannotTakeAnotherUsersSignature() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        try fixture.insertUser(email: "ana@acme.test", password: Self.password)
        try fixture.insertUser(email: "bia@acme.test", password: "another pass phrase")
        let (access, _) = try fixture.tokens("bia@acme.test", "another pass phrase")

        let response = try fixture.send(
            "POST", "/signature-assertions", token: access,
            json: ["boletas": Self.boletas, "email": "ana@acme.test", "password": Self.password])

        #expect(response.status == 403)
    }

    /// Lists of boletas that no assertion may name.
    enum MalformedList: CaseIterable, Sendable {
        case empty, shortHash, upperCaseHash, repeatedNumber, tooMany

        var json: [[String: Any]] {
            let hash = String(repeating: "ab", count: 32)
            switch self {
            case .empty: return []
            case .shortHash: return [["number": 1, "contentHash": "abc"]]
            case .upperCaseHash: return [["number": 1, "contentHash": hash.uppercased()]]
            case .repeatedNumber: return [["number": 1, "contentHash": hash], ["number": 1, "contentHash": hash]]
            case .tooMany: return (1...101).map { ["number": $0, "contentHash": hash] }
            }
        }
    }

    @Test(arguments: MalformedList.allCases)
    func aMalformedListOfBoletasIsRefused(list: MalformedList) throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        try fixture.insertUser(email: "ana@acme.test", password: Self.password)
        let (access, _) = try fixture.tokens("ana@acme.test", Self.password)

        let response = try fixture.send(
            "POST", "/signature-assertions", token: access, json: ["boletas": list.json, "password": Self.password])

        #expect(response.status == 422)
    }
}
