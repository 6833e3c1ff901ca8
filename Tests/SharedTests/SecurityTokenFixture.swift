import Foundation

@testable import Shared

/// Keys, a fixed clock and token builders shared by the token suites.
struct SecurityTokenFixture: Sendable {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let userID = UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!

    let key: Ed25519.PrivateKey
    let otherKey = Ed25519.PrivateKey.generate()

    init() throws {
        // A fixed seed keeps failures reproducible; it protects nothing.
        key = try Ed25519.PrivateKey(seed: Array(1...32))
    }

    /// A verifier for the `approval` service at ``now`` with 30 seconds of leeway.
    func verifier(leeway: Duration = .seconds(30)) -> TokenVerifier {
        TokenVerifier(publicKey: key.publicKey, audience: "approval", leeway: leeway, clock: { Self.now })
    }

    /// Access claims of a manager of client `ACME`, issued 10 seconds ago, valid for 5 minutes.
    func claims() -> AccessClaims {
        AccessClaims(
            userID: Self.userID, audience: ["approval", "boleta"], issuedAt: Self.now.addingTimeInterval(-10),
            lifetime: .seconds(300), clientCode: "ACME", isManager: true)
    }

    /// A valid token of ``claims()``.
    func validToken() throws -> String {
        try JSONWebToken.sign(claims: claims(), key: key)
    }

    /// The JSON of valid access claims, after `change` has edited them.
    func payload(_ change: (inout [String: Any]) -> Void = { _ in }) throws -> String {
        let now = Int(Self.now.timeIntervalSince1970)
        var fields: [String: Any] = [
            "sub": Self.userID.uuidString, "aud": "approval", "iat": now - 10, "exp": now + 300, "jti": "t-1",
            "cli": "ACME", "mgr": true,
        ]
        change(&fields)
        let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// A token made of `header` and `payload` as given, signed with `key` (by default the
    /// verifier's), so that only what the test changed can make it fail.
    func forge(
        header: String = #"{"alg":"EdDSA","typ":"JWT"}"#, payload: String, key: Ed25519.PrivateKey? = nil
    ) -> String {
        let signingInput =
            Sodium.base64URLEncode(Array(header.utf8)) + "." + Sodium.base64URLEncode(Array(payload.utf8))
        let signature = (key ?? self.key).signature(for: Array(signingInput.utf8))
        return signingInput + "." + Sodium.base64URLEncode(signature)
    }
}
