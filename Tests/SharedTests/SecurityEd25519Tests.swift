import Testing

@testable import Shared

struct SecurityEd25519Tests {
    /// RFC 8032 section 7.1, test 1.
    static let rfcSeed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
    static let rfcPublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"

    @Test func aSeedYieldsTheStandardPublicKey() throws {
        let key = try Ed25519.PrivateKey(seed: Sodium.hexDecode(Self.rfcSeed))
        #expect(Sodium.hexEncode(key.publicKey.bytes) == Self.rfcPublicKey)
    }

    @Test func theThumbprintIsTheOneOfRFC8037() throws {
        let key = try Ed25519.PublicKey(bytes: Sodium.hexDecode(Self.rfcPublicKey))
        #expect(key.base64URL == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
        #expect(key.thumbprint == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
    }

    @Test func aSignatureMatchesAnotherImplementation() throws {
        // The same signature as OpenSSL's `pkeyutl -sign -rawin` over "abc" with this seed.
        let key = try Ed25519.PrivateKey(seed: Sodium.hexDecode(Self.rfcSeed))
        let expected =
            "80d724b01e7ca260f4cc7f8de7c95f73cfac615bab1f762b6435b6ec26c8cf6d"
            + "2c758dae2f87399a8eeda1cbcd2835ac5ba66d6ecaa3aba5e567a751053dc207"
        #expect(Sodium.hexEncode(key.signature(for: Array("abc".utf8))) == expected)
    }

    @Test func aKeyRoundTripsThroughItsBase64URLSeed() throws {
        let key = Ed25519.PrivateKey.generate()
        let stored = key.base64URLSeed
        let loaded = try Ed25519.PrivateKey(base64URLSeed: stored)
        #expect(loaded.publicKey == key.publicKey)
        #expect(try Sodium.base64URLDecode(stored).count == 32)
        #expect(try Ed25519.PublicKey(base64URL: key.publicKey.base64URL) == key.publicKey)

        let message = Array("boleta 42".utf8)
        #expect(key.publicKey.isValidSignature(loaded.signature(for: message), for: message))
    }

    @Test func aSignatureVerifiesOnlyForItsKeyAndMessage() {
        let key = Ed25519.PrivateKey.generate()
        let other = Ed25519.PrivateKey.generate()
        let message = Array("signed".utf8)
        let signature = key.signature(for: message)

        #expect(key.publicKey.isValidSignature(signature, for: message))
        #expect(!other.publicKey.isValidSignature(signature, for: message))
        #expect(!key.publicKey.isValidSignature(signature, for: Array("signeD".utf8)))
        #expect(!key.publicKey.isValidSignature(Array(signature.dropLast()), for: message))
        #expect(key.publicKey.isValidSignature(key.signature(for: []), for: []))
    }

    @Test func keysOfTheWrongLengthAreRefused() {
        #expect(throws: CryptoError.self) { try Ed25519.PrivateKey(seed: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: CryptoError.self) { try Ed25519.PublicKey(bytes: [UInt8](repeating: 1, count: 33)) }
        #expect(throws: CryptoError.self) { try Ed25519.PrivateKey(base64URLSeed: "not a seed") }
    }

    @Test func aPrivateKeyDescriptionHidesTheSecret() {
        let key = Ed25519.PrivateKey.generate()
        #expect(!String(describing: key).contains(key.base64URLSeed))
    }
}
