import CSodium

/// Hashes and verifies passwords with Argon2id (libsodium's `crypto_pwhash_str`).
///
/// A hash is a self-describing string (`$argon2id$v=19$m=...,t=...,p=1$salt$hash`) that holds
/// its own random salt and limits, so hashes made with older limits still verify, and
/// ``needsRehash(_:)`` says when to replace them after a successful login.
///
/// Hashing is slow and memory-hungry on purpose: with the interactive limits one hash, or one
/// verification, takes about a tenth of a second of one core and holds 64 MiB while it runs.
/// Call it on a request thread, never while holding a lock, and bound how many run at once.
public struct PasswordHasher: Sendable {
    /// How much work and memory one hash costs.
    public struct Limits: Sendable, Equatable, CustomStringConvertible {
        /// The number of passes over memory (Argon2's `t`).
        public var operations: UInt64
        /// The memory used, in bytes (Argon2's `m`, which libsodium counts in bytes).
        public var memoryBytes: Int

        /// Creates limits, which must lie within what libsodium's Argon2id accepts.
        ///
        /// - Throws: ``CryptoError`` with code ``CryptoError/Code/invalidLimits``.
        public init(operations: UInt64, memoryBytes: Int) throws(CryptoError) {
            Sodium.ensureInitialized()
            let operationRange = UInt64(crypto_pwhash_opslimit_min())...UInt64(crypto_pwhash_opslimit_max())
            let memoryRange = crypto_pwhash_memlimit_min()...crypto_pwhash_memlimit_max()
            guard operationRange.contains(operations), memoryRange.contains(memoryBytes) else {
                throw CryptoError(
                    code: .invalidLimits,
                    message: "Argon2id limits must lie within \(operationRange) passes and \(memoryRange) bytes")
            }
            self.operations = operations
            self.memoryBytes = memoryBytes
        }

        private init(unchecked operations: Int, memoryBytes: Int) {
            self.operations = UInt64(operations)
            self.memoryBytes = memoryBytes
        }

        /// libsodium's limits for interactive logins: 2 passes over 64 MiB. The production default.
        public static let interactive = Limits(
            unchecked: Int(crypto_pwhash_opslimit_interactive()), memoryBytes: crypto_pwhash_memlimit_interactive())

        /// libsodium's moderate limits: 3 passes over 256 MiB, for rare and valuable operations.
        public static let moderate = Limits(
            unchecked: Int(crypto_pwhash_opslimit_moderate()), memoryBytes: crypto_pwhash_memlimit_moderate())

        /// The smallest limits libsodium accepts (1 pass over 8 KiB). For tests only: such hashes
        /// resist no attack.
        public static let minimum = Limits(
            unchecked: Int(crypto_pwhash_opslimit_min()), memoryBytes: crypto_pwhash_memlimit_min())

        public var description: String { "Argon2id t=\(operations) m=\(memoryBytes / 1024) KiB" }

        /// Reads limits from `PASSWORD_HASH_OPERATIONS` and `PASSWORD_HASH_MEMORY_KIB`, defaulting
        /// to ``interactive``.
        ///
        /// Lower them in tests only; a deployment should keep the defaults or raise them.
        public static func from(_ environment: Environment) throws(ConfigurationError) -> Limits {
            let operations = try environment.integer(
                "PASSWORD_HASH_OPERATIONS", default: Int(interactive.operations), in: 1...Int(UInt32.max))
            let memoryKiB = try environment.integer(
                "PASSWORD_HASH_MEMORY_KIB", default: interactive.memoryBytes / 1024, in: 8...(4 << 20))
            do {
                return try Limits(operations: UInt64(operations), memoryBytes: memoryKiB * 1024)
            } catch {
                throw ConfigurationError(variable: "PASSWORD_HASH_MEMORY_KIB", problem: "is out of range: \(error)")
            }
        }
    }

    /// The work and memory each new hash costs.
    public let limits: Limits

    /// Creates a hasher that makes new hashes with `limits`.
    public init(limits: Limits = .interactive) {
        self.limits = limits
    }

    /// Hashes `password` with a fresh random salt, and returns the encoded hash to store.
    ///
    /// - Throws: ``CryptoError`` with code ``CryptoError/Code/cryptoPwhashStr`` when the hash
    ///   cannot be computed, in practice because the memory limit could not be allocated.
    public func hash(_ password: String) throws(CryptoError) -> String {
        Sodium.ensureInitialized()
        var secret = Array(password.utf8)
        defer { Sodium.zero(&secret) }

        var encoded = [CChar](repeating: 0, count: Int(crypto_pwhash_strbytes()))
        let status = Sodium.withPointer(to: secret) { passwordBytes in
            passwordBytes.withMemoryRebound(to: CChar.self, capacity: secret.count) { passwordChars in
                crypto_pwhash_str(&encoded, passwordChars, UInt64(secret.count), limits.operations, limits.memoryBytes)
            }
        }
        guard status == 0 else {
            throw CryptoError(code: .cryptoPwhashStr, message: "Argon2id hashing failed (\(limits))")
        }
        // The buffer holds a NUL-terminated ASCII string.
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Tells whether `password` is the one `hash` was made from.
    ///
    /// Returns `false` for a wrong password and for a `hash` that is not a valid Argon2 hash. The
    /// comparison inside libsodium takes constant time.
    public func verify(_ password: String, against hash: String) -> Bool {
        Sodium.ensureInitialized()
        guard hash.utf8.count < Int(crypto_pwhash_strbytes()), !hash.utf8.contains(0) else { return false }
        var secret = Array(password.utf8)
        defer { Sodium.zero(&secret) }

        return Sodium.withPointer(to: secret) { passwordBytes in
            passwordBytes.withMemoryRebound(to: CChar.self, capacity: secret.count) { passwordChars in
                hash.withCString { encoded in
                    crypto_pwhash_str_verify(encoded, passwordChars, UInt64(secret.count)) == 0
                }
            }
        }
    }

    /// Tells whether `hash` should be replaced by a new hash of the same password: it was made
    /// with other limits, with another algorithm than Argon2id, or is not a valid hash at all.
    ///
    /// Check it after a successful ``verify(_:against:)``, while the password is at hand.
    public func needsRehash(_ hash: String) -> Bool {
        Sodium.ensureInitialized()
        // The generic call accepts Argon2i hashes too; the services want Argon2id only.
        guard hash.hasPrefix("$argon2id$"), !hash.utf8.contains(0) else { return true }
        return hash.withCString { encoded in
            crypto_pwhash_str_needs_rehash(encoded, limits.operations, limits.memoryBytes) != 0
        }
    }
}
