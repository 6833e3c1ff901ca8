import Testing

@testable import Shared

struct SecuritySodiumTests {
    @Test func sha256OfAbcIsTheStandardVector() {
        let digest = Sodium.sha256("abc".utf8)
        #expect(Sodium.hexEncode(digest) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func sha256OfNothingIsTheStandardVector() {
        #expect(
            Sodium.hexEncode(Sodium.sha256([]))
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test(arguments: [0, 1, 2, 3, 4, 31, 32, 33, 64])
    func base64URLRoundTripsRandomBytes(count: Int) throws {
        let bytes = Sodium.randomBytes(count)
        let text = Sodium.base64URLEncode(bytes)
        #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
        #expect(try Sodium.base64URLDecode(text) == bytes)
    }

    @Test func base64URLUsesTheURLAlphabetWithoutPadding() throws {
        #expect(Sodium.base64URLEncode([0xFB, 0xFF]) == "-_8")
        #expect(Sodium.base64URLEncode(Array("any carnal pleas".utf8)) == "YW55IGNhcm5hbCBwbGVhcw")
        #expect(try Sodium.base64URLDecode("-_8") == [0xFB, 0xFF])
    }

    @Test(arguments: ["+/8", "-_8=", "YW55 IGNh", "-_9", "a", "YW55\n", "é"])
    func base64URLRefusesNonCanonicalText(text: String) {
        #expect(throws: CryptoError.self) { try Sodium.base64URLDecode(text) }
    }

    @Test func hexRoundTripsAndRefusesBadDigits() throws {
        #expect(try Sodium.hexDecode("00ff7A") == [0x00, 0xFF, 0x7A])
        #expect(Sodium.hexEncode([0x00, 0xFF, 0x7A]) == "00ff7a")
        #expect(try Sodium.hexDecode("") == [])
        for bad in ["0", "0g", "00 ff", "zz"] {
            #expect(throws: CryptoError.self) { try Sodium.hexDecode(bad) }
        }
    }

    @Test func constantTimeEqualComparesContentAndLength() {
        #expect(Sodium.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!Sodium.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!Sodium.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(Sodium.constantTimeEqual([], []))
    }

    @Test func randomTokensAreURLSafeAndDistinct() throws {
        let first = Sodium.randomToken()
        let second = Sodium.randomToken()
        #expect(first != second)
        #expect(try Sodium.base64URLDecode(first).count == 32)
        #expect(try Sodium.base64URLDecode(Sodium.randomToken(bytes: 16)).count == 16)
    }

    @Test func zeroOverwritesEveryByte() {
        var bytes: [UInt8] = [1, 2, 3, 4]
        Sodium.zero(&bytes)
        #expect(bytes == [0, 0, 0, 0])
    }
}

struct SealedBoxTests {
    @Test func aSealedMessageOpensOnlyWithTheRecipientsKey() throws {
        let mail = SealedBox.KeyPair.generate()
        let sealed = try SealedBox.seal(Array("Senha-inicial ção".utf8), to: mail.publicKey)
        #expect(try SealedBox.open(sealed, with: mail) == Array("Senha-inicial ção".utf8))
        #expect(throws: CryptoError.self) { try SealedBox.open(sealed, with: .generate()) }
        var altered = sealed
        altered[altered.count - 1] ^= 1
        #expect(throws: CryptoError.self) { try SealedBox.open(altered, with: mail) }
        #expect(try SealedBox.KeyPair(secretKey: mail.secretKey).publicKey == mail.publicKey)
    }
}
