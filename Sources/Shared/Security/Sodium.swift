import CSodium

/// The libsodium primitives the services use: random bytes, SHA-256, hex and base64url, and
/// constant-time comparison.
///
/// Every function initialises libsodium first, once per process and thread-safely, so callers
/// never have to remember `sodium_init`. No pointer into libsodium leaves this file or the other
/// files of `Security`.
public enum Sodium {
    /// The result of `sodium_init`, computed on first use; Swift runs a global's initialiser
    /// exactly once even when several threads reach it together.
    private static let initialisation: Int32 = sodium_init()

    /// Initialises libsodium, if that has not happened yet.
    ///
    /// Call it at start to fail early; every other function calls it anyway.
    public static func initialize() throws(CryptoError) {
        guard initialisation >= 0 else {
            throw CryptoError(code: .sodiumInit, message: "libsodium could not be initialised")
        }
    }

    /// Makes sure libsodium is ready, and stops the process when it cannot be.
    ///
    /// `sodium_init` fails only when the system has no source of randomness, and nothing secure
    /// can be done without one.
    static func ensureInitialized() {
        precondition(initialisation >= 0, "sodium_init failed: no source of randomness")
    }

    /// Returns `count` bytes from the operating system's secure random generator.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "a negative number of random bytes was asked for")
        ensureInitialized()
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { randombytes_buf(base, count) }
        }
        return bytes
    }

    /// Returns a random, URL-safe token of `bytes` random bytes, encoded as base64url without padding.
    ///
    /// 32 bytes (the default) give 256 bits, enough for refresh tokens and one-time links.
    public static func randomToken(bytes: Int = 32) -> String {
        var raw = randomBytes(bytes)
        defer { zero(&raw) }
        return base64URLEncode(raw)
    }

    /// Returns the SHA-256 digest of `bytes` (32 bytes).
    public static func sha256(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        ensureInitialized()
        let input = Array(bytes)
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_bytes()))
        withPointer(to: input) { source in
            // crypto_hash_sha256 cannot fail; it returns 0 for the sake of a uniform API.
            _ = crypto_hash_sha256(&digest, source, UInt64(input.count))
        }
        return digest
    }

    /// Encodes `bytes` as lowercase hexadecimal.
    public static func hexEncode(_ bytes: [UInt8]) -> String {
        ensureInitialized()
        let capacity = bytes.count * 2 + 1
        var text = [CChar](repeating: 0, count: capacity)
        withPointer(to: bytes) { source in
            _ = sodium_bin2hex(&text, capacity, source, bytes.count)
        }
        return string(fromNulTerminated: text)
    }

    /// Decodes hexadecimal text (either case) into bytes.
    ///
    /// - Throws: ``CryptoError`` with code ``CryptoError/Code/sodiumHex2bin`` when `text` has an odd
    ///   length or a character that is not a hex digit.
    public static func hexDecode(_ text: String) throws(CryptoError) -> [UInt8] {
        try decode(text, capacity: text.utf8.count / 2 + 1, failure: .sodiumHex2bin, named: "hexadecimal") {
            bin, capacity, hex, length, decodedLength, end in
            sodium_hex2bin(bin, capacity, hex, length, nil, decodedLength, end)
        }
    }

    /// Encodes `bytes` as base64url without padding (RFC 4648 section 5), as JWTs and URLs want.
    public static func base64URLEncode(_ bytes: [UInt8]) -> String {
        ensureInitialized()
        let variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING
        let capacity = sodium_base64_encoded_len(bytes.count, variant)
        var text = [CChar](repeating: 0, count: capacity)
        withPointer(to: bytes) { source in
            _ = sodium_bin2base64(&text, capacity, source, bytes.count, variant)
        }
        return string(fromNulTerminated: text)
    }

    /// Decodes base64url text without padding into bytes.
    ///
    /// Only the canonical encoding is accepted: padding, whitespace, characters of the other
    /// alphabet, and stray bits in the last character are all refused.
    ///
    /// - Throws: ``CryptoError`` with code ``CryptoError/Code/sodiumBase642bin``.
    public static func base64URLDecode(_ text: some StringProtocol) throws(CryptoError) -> [UInt8] {
        try decode(text, capacity: text.utf8.count * 3 / 4 + 1, failure: .sodiumBase642bin, named: "base64url") {
            bin, capacity, b64, length, decodedLength, end in
            sodium_base642bin(
                bin, capacity, b64, length, nil, decodedLength, end, sodium_base64_VARIANT_URLSAFE_NO_PADDING)
        }
    }

    /// Runs one of libsodium's text-to-binary decoders over the whole of `text`.
    ///
    /// The decoders stop quietly at the first character they do not accept and say where in
    /// `end`, so the text is valid only when they succeeded and consumed all of it.
    private static func decode(
        _ text: some StringProtocol, capacity: Int, failure code: CryptoError.Code, named encoding: String,
        using decoder: (
            _ bin: UnsafeMutablePointer<UInt8>, _ capacity: Int, _ text: UnsafePointer<CChar>, _ length: Int,
            _ decodedLength: UnsafeMutablePointer<Int>, _ end: UnsafeMutablePointer<UnsafePointer<CChar>?>
        ) -> Int32
    ) throws(CryptoError) -> [UInt8] {
        ensureInitialized()
        let input = Array(text.utf8)
        guard !input.isEmpty else { return [] }
        var output = [UInt8](repeating: 0, count: capacity)
        var decodedLength = 0
        var consumed = 0
        let status = input.withUnsafeBufferPointer { source in
            source.withMemoryRebound(to: CChar.self) { chars in
                var end: UnsafePointer<CChar>? = nil
                let status = decoder(&output, capacity, chars.baseAddress!, chars.count, &decodedLength, &end)
                if let end { consumed = end - chars.baseAddress! }
                return status
            }
        }
        guard status == 0, consumed == input.count else {
            throw CryptoError(code: code, message: "text is not valid \(encoding)")
        }
        return Array(output.prefix(decodedLength))
    }

    /// Tells whether `lhs` and `rhs` hold the same bytes, in a time that does not depend on
    /// where they differ.
    ///
    /// The lengths are compared first and are not secret: compare fixed-length values, such as
    /// digests, when the length itself must not leak.
    public static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        guard !lhs.isEmpty else { return true }
        ensureInitialized()
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                sodium_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }

    /// Calls `body` with a pointer to `bytes` that is valid even when `bytes` is empty, as
    /// libsodium's non-null parameters require.
    static func withPointer<Result>(to bytes: [UInt8], _ body: (UnsafePointer<UInt8>) -> Result) -> Result {
        bytes.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { return body(base) }
            return withUnsafePointer(to: UInt8(0)) { body($0) }
        }
    }

    /// The Swift string of a NUL-terminated ASCII buffer that libsodium filled.
    private static func string(fromNulTerminated text: [CChar]) -> String {
        String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Overwrites `bytes` with zeros in a way the compiler cannot optimise away.
    ///
    /// Use it for passwords, seeds and keys once they are no longer needed.
    public static func zero(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { sodium_memzero(base, buffer.count) }
        }
    }
}

/// A failure of libsodium, or input that it refused.
public struct CryptoError: Error, Sendable, CustomStringConvertible {
    /// What failed, named after the libsodium call where there is one.
    public struct Code: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }

        /// libsodium could not be initialised.
        public static let sodiumInit: Code = "sodium_init"
        /// Text that is not valid hexadecimal.
        public static let sodiumHex2bin: Code = "sodium_hex2bin"
        /// Text that is not valid base64url.
        public static let sodiumBase642bin: Code = "sodium_base642bin"
        /// Hashing a password failed, in practice for lack of memory.
        public static let cryptoPwhashStr: Code = "crypto_pwhash_str"
        /// Deriving an Ed25519 key pair from its seed failed.
        public static let cryptoSignSeedKeypair: Code = "crypto_sign_seed_keypair"
        /// Signing a message failed.
        public static let cryptoSignDetached: Code = "crypto_sign_detached"
        /// A key, seed or signature of the wrong length.
        public static let invalidLength: Code = "invalid-length"
        /// Limits outside what libsodium accepts.
        public static let invalidLimits: Code = "invalid-limits"
    }

    /// What failed.
    public var code: Code
    /// What went wrong, for logs; never holds secret material.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// Creates an error with `code` and a `message` for logs.
    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        "\(code.rawValue): \(message)" + (cause.map { " (cause: \($0))" } ?? "")
    }
}
