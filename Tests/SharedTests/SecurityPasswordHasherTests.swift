import Testing

@testable import Shared

struct SecurityPasswordHasherTests {
    /// The cheapest limits, so that the suite stays fast; the algorithm is the same.
    let hasher = PasswordHasher(limits: .minimum)

    @Test func theRightPasswordVerifiesAndAWrongOneDoesNot() throws {
        let hash = try hasher.hash("correct horse battery staple")
        #expect(hash.hasPrefix("$argon2id$"))
        #expect(hasher.verify("correct horse battery staple", against: hash))
        #expect(!hasher.verify("correct horse battery stapler", against: hash))
        #expect(!hasher.verify("", against: hash))
    }

    @Test func hashesOfTheSamePasswordDifferByTheirSalt() throws {
        let first = try hasher.hash("senha123")
        let second = try hasher.hash("senha123")
        #expect(first != second)
        #expect(hasher.verify("senha123", against: first))
        #expect(hasher.verify("senha123", against: second))
    }

    @Test func nonASCIIPasswordsVerify() throws {
        let hash = try hasher.hash("ação-çã")
        #expect(hasher.verify("ação-çã", against: hash))
        #expect(!hasher.verify("acao-ca", against: hash))
    }

    @Test(arguments: ["", "not a hash", "$argon2id$v=19$m=8,t=1,p=1$broken", "$2b$10$abcdefghijklmnopqrstuv"])
    func aStoredValueThatIsNoHashNeverVerifies(stored: String) {
        #expect(!hasher.verify("anything", against: stored))
        #expect(hasher.needsRehash(stored))
    }

    @Test func aHashMadeWithOtherLimitsNeedsRehash() throws {
        let cheap = try hasher.hash("senha123")
        let stronger = PasswordHasher(limits: try .init(operations: 2, memoryBytes: 16 * 1024))
        #expect(!hasher.needsRehash(cheap))
        #expect(stronger.needsRehash(cheap))
        #expect(stronger.verify("senha123", against: cheap))
    }

    @Test func theDefaultLimitsAreLibsodiumInteractiveOnes() {
        let limits = PasswordHasher().limits
        #expect(limits == .interactive)
        #expect(limits.operations == 2)
        #expect(limits.memoryBytes == 64 * 1024 * 1024)
    }

    @Test func limitsComeFromTheEnvironment() throws {
        let configured = try PasswordHasher.Limits.from(
            Environment(["PASSWORD_HASH_OPERATIONS": "1", "PASSWORD_HASH_MEMORY_KIB": "8"]))
        #expect(configured == .minimum)
        #expect(try PasswordHasher.Limits.from(Environment([:])) == .interactive)
        #expect(throws: ConfigurationError.self) {
            try PasswordHasher.Limits.from(Environment(["PASSWORD_HASH_MEMORY_KIB": "4"]))
        }
    }

    @Test func limitsBelowLibsodiumMinimumAreRefused() {
        #expect(throws: CryptoError.self) { try PasswordHasher.Limits(operations: 0, memoryBytes: 64 * 1024) }
        #expect(throws: CryptoError.self) { try PasswordHasher.Limits(operations: 1, memoryBytes: 1024) }
    }
}
