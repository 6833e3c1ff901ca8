import CSodium

/// Anonymous public-key encryption (libsodium's sealed boxes): anyone with the public key can
/// seal a message that only the holder of the secret key can open. Identity seals a new user's
/// initial password to Mail's key, so that no queue, table or log holds it readable on the way.
public enum SealedBox {
    /// A key pair; the secret half stays with the service that opens the boxes.
    public struct KeyPair: Sendable {
        public let publicKey: [UInt8]
        public let secretKey: [UInt8]

        /// A new random key pair.
        public static func generate() -> KeyPair {
            Sodium.ensureInitialized()
            var publicKey = [UInt8](repeating: 0, count: Int(crypto_box_publickeybytes()))
            var secretKey = [UInt8](repeating: 0, count: Int(crypto_box_secretkeybytes()))
            crypto_box_keypair(&publicKey, &secretKey)
            return KeyPair(publicKey: publicKey, secretKey: secretKey)
        }

        /// The pair whose secret key is `secretKey`; its public key is derived from it.
        public init(secretKey: [UInt8]) throws(CryptoError) {
            guard secretKey.count == Int(crypto_box_secretkeybytes()) else {
                throw CryptoError(code: .invalidLength, message: "a sealed-box secret key has 32 bytes")
            }
            Sodium.ensureInitialized()
            var publicKey = [UInt8](repeating: 0, count: Int(crypto_box_publickeybytes()))
            crypto_scalarmult_base(&publicKey, secretKey)
            self.init(publicKey: publicKey, secretKey: secretKey)
        }

        private init(publicKey: [UInt8], secretKey: [UInt8]) {
            self.publicKey = publicKey
            self.secretKey = secretKey
        }
    }

    /// Seals `message` to `publicKey`.
    public static func seal(_ message: [UInt8], to publicKey: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard publicKey.count == Int(crypto_box_publickeybytes()) else {
            throw CryptoError(code: .invalidLength, message: "a sealed-box public key has 32 bytes")
        }
        Sodium.ensureInitialized()
        var sealed = [UInt8](repeating: 0, count: message.count + Int(crypto_box_sealbytes()))
        guard crypto_box_seal(&sealed, message, UInt64(message.count), publicKey) == 0 else {
            throw CryptoError(code: .cryptoBoxSeal, message: "crypto_box_seal failed")
        }
        return sealed
    }

    /// Opens a box sealed to `keys`; throws when it was sealed to another key or altered.
    public static func open(_ sealed: [UInt8], with keys: KeyPair) throws(CryptoError) -> [UInt8] {
        let overhead = Int(crypto_box_sealbytes())
        guard sealed.count >= overhead else {
            throw CryptoError(code: .cryptoBoxSealOpen, message: "the sealed box is too short")
        }
        Sodium.ensureInitialized()
        var message = [UInt8](repeating: 0, count: sealed.count - overhead)
        guard crypto_box_seal_open(&message, sealed, UInt64(sealed.count), keys.publicKey, keys.secretKey) == 0 else {
            throw CryptoError(code: .cryptoBoxSealOpen, message: "the box was sealed to another key or altered")
        }
        return message
    }
}

extension CryptoError.Code {
    /// `crypto_box_seal` failed.
    public static let cryptoBoxSeal: Self = "crypto_box_seal"
    /// `crypto_box_seal_open` refused the box.
    public static let cryptoBoxSealOpen: Self = "crypto_box_seal_open"
}
