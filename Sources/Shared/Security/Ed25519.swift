import CSodium

/// Ed25519 signatures (libsodium's `crypto_sign_*`), as used to sign access tokens.
public enum Ed25519 {
    /// The length of a seed, from which a whole key pair derives.
    public static var seedLength: Int { Int(crypto_sign_seedbytes()) }
    /// The length of a public key.
    public static var publicKeyLength: Int { Int(crypto_sign_publickeybytes()) }
    /// The length of a detached signature.
    public static var signatureLength: Int { Int(crypto_sign_bytes()) }

    /// A public key, which verifies signatures and may be shared freely.
    public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
        /// The key's 32 bytes.
        public let bytes: [UInt8]

        /// Creates a key from its 32 bytes.
        ///
        /// - Throws: ``CryptoError`` with code ``CryptoError/Code/invalidLength``.
        public init(bytes: [UInt8]) throws(CryptoError) {
            guard bytes.count == Ed25519.publicKeyLength else {
                throw CryptoError(code: .invalidLength, message: "an Ed25519 public key has 32 bytes")
            }
            self.bytes = bytes
        }

        /// Creates a key from its base64url form, as ``base64URL`` writes it.
        public init(base64URL text: String) throws(CryptoError) {
            try self.init(bytes: Sodium.base64URLDecode(text))
        }

        /// The key in base64url without padding: the form to configure and publish.
        public var base64URL: String { Sodium.base64URLEncode(bytes) }

        /// The key's JWK thumbprint (RFC 7638 over the RFC 8037 `OKP` form), in base64url.
        ///
        /// It names the key in a token's `kid` header without any registry of names.
        public var thumbprint: String {
            let canonicalJWK = #"{"crv":"Ed25519","kty":"OKP","x":"\#(base64URL)"}"#
            return Sodium.base64URLEncode(Sodium.sha256(canonicalJWK.utf8))
        }

        /// Tells whether `signature` is this key's signature of `message`.
        public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
            guard signature.count == Ed25519.signatureLength else { return false }
            Sodium.ensureInitialized()
            return Sodium.withPointer(to: message) { messageBytes in
                crypto_sign_verify_detached(signature, messageBytes, UInt64(message.count), bytes) == 0
            }
        }

        public var description: String { "Ed25519.PublicKey(\(base64URL))" }
    }

    /// A private key, which signs. Keep it secret: its ``base64URLSeed`` is the whole secret.
    ///
    /// Its description never shows the key, so logging one by mistake leaks nothing.
    public struct PrivateKey: Sendable, CustomStringConvertible {
        private let secret: SecretKeyStorage
        /// The matching public key.
        public let publicKey: PublicKey

        /// Generates a new random key pair.
        public static func generate() -> PrivateKey {
            var seed = Sodium.randomBytes(Ed25519.seedLength)
            defer { Sodium.zero(&seed) }
            // A seed of the right length always yields a key pair.
            guard let key = try? PrivateKey(seed: seed) else {
                preconditionFailure("crypto_sign_seed_keypair failed on a random seed")
            }
            return key
        }

        /// Derives the key pair from its 32-byte seed (`crypto_sign_seed_keypair`).
        ///
        /// - Throws: ``CryptoError`` with code ``CryptoError/Code/invalidLength`` for a seed that
        ///   is not 32 bytes long.
        public init(seed: [UInt8]) throws(CryptoError) {
            guard seed.count == Ed25519.seedLength else {
                throw CryptoError(code: .invalidLength, message: "an Ed25519 seed has 32 bytes")
            }
            Sodium.ensureInitialized()
            let storage = SecretKeyStorage(count: Int(crypto_sign_secretkeybytes()))
            var publicBytes = [UInt8](repeating: 0, count: Ed25519.publicKeyLength)
            let status = crypto_sign_seed_keypair(&publicBytes, storage.pointer, seed)
            guard status == 0 else {
                throw CryptoError(code: .cryptoSignSeedKeypair, message: "the key pair could not be derived")
            }
            self.secret = storage
            self.publicKey = try PublicKey(bytes: publicBytes)
        }

        /// Loads a key from its seed in base64url, as ``base64URLSeed`` writes it.
        public init(base64URLSeed text: String) throws(CryptoError) {
            var seed = try Sodium.base64URLDecode(text)
            defer { Sodium.zero(&seed) }
            try self.init(seed: seed)
        }

        /// The 32-byte seed in base64url: the form in which to store the key (a secret).
        public var base64URLSeed: String {
            // libsodium's 64-byte secret key is the seed followed by the public key.
            var seed = Array(UnsafeBufferPointer(start: secret.pointer, count: Ed25519.seedLength))
            defer { Sodium.zero(&seed) }
            return Sodium.base64URLEncode(seed)
        }

        /// Signs `message` and returns the 64-byte detached signature.
        public func signature(for message: [UInt8]) -> [UInt8] {
            Sodium.ensureInitialized()
            var signature = [UInt8](repeating: 0, count: Ed25519.signatureLength)
            let status = Sodium.withPointer(to: message) { messageBytes in
                crypto_sign_detached(&signature, nil, messageBytes, UInt64(message.count), secret.pointer)
            }
            // crypto_sign_detached has no failure path for a well-formed secret key.
            precondition(status == 0, "crypto_sign_detached failed")
            return signature
        }

        public var description: String { "Ed25519.PrivateKey(public: \(publicKey.base64URL))" }
    }
}

/// Secret key bytes in memory of their own, zeroed when the last copy of the key goes away.
///
/// `@unchecked Sendable` is safe: the bytes are written once, in `PrivateKey.init`, before the
/// storage is shared, and are only read afterwards; `deinit` runs when no other reference exists.
private final class SecretKeyStorage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<UInt8>
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
    }

    deinit {
        sodium_memzero(pointer, count)
        pointer.deallocate()
    }
}
