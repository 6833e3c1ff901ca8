import Foundation
import Testing

@testable import Shared

/// A token the verifier must refuse, and the reason it must give.
struct TokenRefusal: Sendable, CustomTestStringConvertible {
    let name: String
    let expected: TokenError.Code
    let make: @Sendable (SecurityTokenFixture) throws -> String

    var testDescription: String { name }

    static let all: [TokenRefusal] = [
        TokenRefusal(name: "tampered payload", expected: .badSignature) { fixture in
            let parts = try fixture.validToken().split(separator: ".")
            let raised = try fixture.payload { $0["cli"] = "OTHER" }
            return [String(parts[0]), Sodium.base64URLEncode(Array(raised.utf8)), String(parts[2])]
                .joined(separator: ".")
        },
        TokenRefusal(name: "signed by another key", expected: .badSignature) { fixture in
            try JSONWebToken.sign(claims: fixture.claims(), key: fixture.otherKey)
        },
        TokenRefusal(name: "signature cut short", expected: .badSignature) { fixture in
            let parts = try fixture.validToken().split(separator: ".")
            let signature = try Sodium.base64URLDecode(parts[2]).dropLast()
            return [String(parts[0]), String(parts[1]), Sodium.base64URLEncode(Array(signature))]
                .joined(separator: ".")
        },
        TokenRefusal(name: "alg none without signature", expected: .unsupportedAlgorithm) { fixture in
            let token = fixture.forge(header: #"{"alg":"none","typ":"JWT"}"#, payload: try fixture.payload())
            return String(token[...token.lastIndex(of: ".")!])
        },
        TokenRefusal(name: "alg none with a valid Ed25519 signature", expected: .unsupportedAlgorithm) { fixture in
            fixture.forge(header: #"{"alg":"none"}"#, payload: try fixture.payload())
        },
        TokenRefusal(name: "alg HS256", expected: .unsupportedAlgorithm) { fixture in
            fixture.forge(header: #"{"alg":"HS256","typ":"JWT"}"#, payload: try fixture.payload())
        },
        TokenRefusal(name: "alg in lowercase", expected: .unsupportedAlgorithm) { fixture in
            fixture.forge(header: #"{"alg":"eddsa","typ":"JWT"}"#, payload: try fixture.payload())
        },
        TokenRefusal(name: "no alg", expected: .malformed) { fixture in
            fixture.forge(header: #"{"typ":"JWT"}"#, payload: try fixture.payload())
        },
        TokenRefusal(name: "critical header extension", expected: .malformed) { fixture in
            fixture.forge(header: #"{"alg":"EdDSA","crit":["exp"],"exp":1}"#, payload: try fixture.payload())
        },
        TokenRefusal(name: "another token type", expected: .malformed) { fixture in
            fixture.forge(header: #"{"alg":"EdDSA","typ":"at+jwt"}"#, payload: try fixture.payload())
        },
        TokenRefusal(name: "expired beyond the leeway", expected: .expired) { fixture in
            fixture.forge(payload: try fixture.payload { $0["exp"] = 1_800_000_000 - 31 })
        },
        TokenRefusal(name: "no expiry", expected: .malformed) { fixture in
            fixture.forge(payload: try fixture.payload { $0["exp"] = nil })
        },
        TokenRefusal(name: "expiry as a string", expected: .malformed) { fixture in
            fixture.forge(payload: try fixture.payload { $0["exp"] = "1800000300" })
        },
        TokenRefusal(name: "not before in the future", expected: .notYetValid) { fixture in
            fixture.forge(payload: try fixture.payload { $0["nbf"] = 1_800_000_000 + 120 })
        },
        TokenRefusal(name: "issued in the future", expected: .notYetValid) { fixture in
            fixture.forge(payload: try fixture.payload { $0["iat"] = 1_800_000_000 + 120 })
        },
        TokenRefusal(name: "issued after its expiry", expected: .malformed) { fixture in
            fixture.forge(
                payload: try fixture.payload {
                    $0["iat"] = 1_800_000_000 + 20; $0["exp"] = 1_800_000_000 + 10
                })
        },
        TokenRefusal(name: "wrong audience as a string", expected: .wrongAudience) { fixture in
            fixture.forge(payload: try fixture.payload { $0["aud"] = "boleta" })
        },
        TokenRefusal(name: "wrong audience as an array", expected: .wrongAudience) { fixture in
            fixture.forge(payload: try fixture.payload { $0["aud"] = ["boleta", "mail"] })
        },
        TokenRefusal(name: "no audience", expected: .wrongAudience) { fixture in
            fixture.forge(payload: try fixture.payload { $0["aud"] = nil })
        },
        TokenRefusal(name: "audience that only starts like ours", expected: .wrongAudience) { fixture in
            fixture.forge(payload: try fixture.payload { $0["aud"] = "approval-admin" })
        },
        TokenRefusal(name: "two parts", expected: .malformed) { fixture in
            try fixture.validToken().split(separator: ".").prefix(2).joined(separator: ".")
        },
        TokenRefusal(name: "four parts", expected: .malformed) { fixture in
            try fixture.validToken() + ".e30"
        },
        TokenRefusal(name: "header in standard base64 with padding", expected: .malformed) { fixture in
            let parts = try fixture.validToken().split(separator: ".")
            let header = Data(try Sodium.base64URLDecode(parts[0])).base64EncodedString() + "=="
            return [header, String(parts[1]), String(parts[2])].joined(separator: ".")
        },
        TokenRefusal(name: "signature that is not base64url", expected: .malformed) { fixture in
            String(try fixture.validToken().dropLast(2)) + "*!"
        },
        TokenRefusal(name: "header that is not JSON", expected: .malformed) { fixture in
            fixture.forge(header: "EdDSA", payload: try fixture.payload())
        },
        TokenRefusal(name: "payload that is not JSON", expected: .malformed) { fixture in
            fixture.forge(payload: "exp=1800000300")
        },
        TokenRefusal(name: "subject that is not a user id", expected: .malformed) { fixture in
            fixture.forge(payload: try fixture.payload { $0["sub"] = "admin" })
        },
        TokenRefusal(name: "unknown vendor role", expected: .malformed) { fixture in
            fixture.forge(
                payload: try fixture.payload {
                    $0["cli"] = nil; $0["mgr"] = nil; $0["vrl"] = "root"
                })
        },
        TokenRefusal(name: "empty token", expected: .malformed) { _ in "" },
        TokenRefusal(name: "oversized token", expected: .malformed) { fixture in
            fixture.forge(payload: try fixture.payload { $0["pad"] = String(repeating: "x", count: 9000) })
        },
    ]
}

struct SecurityTokenTests {
    let fixture: SecurityTokenFixture

    init() throws {
        fixture = try SecurityTokenFixture()
    }

    @Test func aSignedTokenVerifiesToTheSameClaims() throws {
        let claims = fixture.claims()
        let token = try JSONWebToken.sign(claims: claims, key: fixture.key)

        #expect(token.split(separator: ".").count == 3)
        #expect(try fixture.verifier().verify(token, as: AccessClaims.self) == claims)
    }

    @Test func theHeaderNamesEdDSAAndTheKeyThumbprint() throws {
        let token = try fixture.validToken()
        let headerBytes = try Sodium.base64URLDecode(token.split(separator: ".")[0])
        let header = try JSONDecoder().decode(JSONWebToken.Header.self, from: Data(headerBytes))
        #expect(header == .init(algorithm: "EdDSA", type: "JWT", keyID: fixture.key.publicKey.thumbprint))
    }

    @Test func claimsUseTheirShortNamesAndWholeSeconds() throws {
        let token = try fixture.validToken()
        let payload = try Sodium.base64URLDecode(token.split(separator: ".")[1])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
        #expect(Set(object.keys) == ["sub", "aud", "exp", "iat", "jti", "cli", "mgr"])
        #expect(object["exp"] as? Int == 1_800_000_290)
        #expect(object["aud"] as? [String] == ["approval", "boleta"])
    }

    @Test(arguments: TokenRefusal.all)
    func aBadTokenIsRefusedForItsReason(refusal: TokenRefusal) throws {
        let token = try refusal.make(fixture)
        let error = #expect(throws: TokenError.self) {
            try fixture.verifier().verify(token, as: AccessClaims.self)
        }
        #expect(error?.code == refusal.expected, "\(error.map(String.init(describing:)) ?? "no error")")
    }

    @Test func theForgingHelperMakesTokensThatVerify() throws {
        // Keeps the refusal table honest: its tokens fail only for what each case changes.
        let token = fixture.forge(payload: try fixture.payload())
        #expect(try fixture.verifier().verify(token, as: AccessClaims.self).clientCode == "ACME")
    }

    @Test func theLeewayIsHonouredOnExpiryAndNotBefore() throws {
        let now = Int(SecurityTokenFixture.now.timeIntervalSince1970)
        let lateToken = fixture.forge(
            payload: try fixture.payload {
                $0["exp"] = now - 20; $0["iat"] = now - 100
            })
        let earlyToken = fixture.forge(
            payload: try fixture.payload {
                $0["nbf"] = now + 20; $0["iat"] = now + 20
            })

        #expect(try fixture.verifier(leeway: .seconds(30)).verify(lateToken, as: AccessClaims.self).tokenID == "t-1")
        #expect(try fixture.verifier(leeway: .seconds(30)).verify(earlyToken, as: AccessClaims.self).tokenID == "t-1")
        #expect(throws: TokenError.self) {
            try fixture.verifier(leeway: .zero).verify(lateToken, as: AccessClaims.self)
        }
        #expect(throws: TokenError.self) {
            try fixture.verifier(leeway: .zero).verify(earlyToken, as: AccessClaims.self)
        }
    }

    @Test func aTokenIsRefusedFromTheSecondItExpires() throws {
        let now = Int(SecurityTokenFixture.now.timeIntervalSince1970)
        let verifier = fixture.verifier(leeway: .zero)
        let atExpiry = fixture.forge(payload: try fixture.payload { $0["exp"] = now })
        let justBefore = fixture.forge(payload: try fixture.payload { $0["exp"] = now + 1 })

        #expect(throws: TokenError.self) { try verifier.verify(atExpiry, as: AccessClaims.self) }
        #expect(try verifier.verify(justBefore, as: AccessClaims.self).tokenID == "t-1")
    }

    @Test func anAudienceArrayNamingThisServiceIsAccepted() throws {
        let token = fixture.forge(payload: try fixture.payload { $0["aud"] = ["boleta", "approval"] })
        #expect(
            try fixture.verifier().verify(token, as: AccessClaims.self).audience == Audience(["boleta", "approval"]))
    }

    @Test func theKeyIDChoosesAmongSeveralKeys() throws {
        let clock: @Sendable () -> Date = { SecurityTokenFixture.now }
        let verifier = TokenVerifier(
            publicKeys: ["old": fixture.otherKey.publicKey, "new": fixture.key.publicKey], audience: "approval",
            clock: clock)
        let claims = fixture.claims()

        #expect(
            try verifier.verify(
                JSONWebToken.sign(claims: claims, key: fixture.key, keyID: "new"), as: AccessClaims.self) == claims)
        #expect(
            try verifier.verify(
                JSONWebToken.sign(claims: claims, key: fixture.otherKey, keyID: "old"), as: AccessClaims.self) == claims
        )

        let misnamed = try JSONWebToken.sign(claims: claims, key: fixture.key, keyID: "old")
        #expect(throws: TokenError.self) { try verifier.verify(misnamed, as: AccessClaims.self) }
        let unknown = try JSONWebToken.sign(claims: claims, key: fixture.key, keyID: "retired")
        let error = #expect(throws: TokenError.self) { try verifier.verify(unknown, as: AccessClaims.self) }
        #expect(error?.code == .unknownKey)
    }

    @Test func customClaimsDecodeAfterTheRegisteredOnesAreChecked() throws {
        struct Assertion: Codable, Equatable {
            var aud: String
            var exp: Date
            var boletas: [Int]
        }
        let assertion = Assertion(
            aud: "approval", exp: SecurityTokenFixture.now.addingTimeInterval(60), boletas: [7, 9])
        let token = try JSONWebToken.sign(claims: assertion, key: fixture.key)
        #expect(try fixture.verifier().verify(token, as: Assertion.self) == assertion)
    }

    @Test(arguments: [TokenError.Code.expired, .badSignature, .malformed, .wrongAudience])
    func aRefusalAnswers401WithoutDetailOfTheToken(code: TokenError.Code) {
        let error = TokenError(code: code, message: "secret-looking detail").httpError
        #expect(error.status == 401)
        #expect(error.code == .unauthorized)
        #expect(error.detail?.contains("secret-looking") == false)
        #expect(error.headers.contains { $0.0 == "WWW-Authenticate" && $0.1.contains("invalid_token") })
    }
}
