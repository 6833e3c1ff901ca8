import CSodium
import Foundation
import Synchronization

/// Makes and checks request ids.
enum RequestID {
    /// A ChaCha20 key drawn once per process; `nil` when libsodium cannot start.
    private static let key: [UInt8]? = {
        guard sodium_init() >= 0 else { return nil }
        var key = [UInt8](repeating: 0, count: Int(crypto_stream_chacha20_KEYBYTES))
        randombytes_buf(&key, key.count)
        return key
    }()
    private static let counter = Atomic<UInt64>(0)

    /// A new random (version 4) UUID.
    ///
    /// Each id is the ChaCha20 keystream for a fresh nonce: unpredictable without the key, never
    /// repeated, and without a system call. Foundation's `UUID()` opens and reads `/dev/urandom`
    /// on every call here, which cost more than the rest of answering `/healthz`.
    static func make() -> String {
        guard let key else { return UUID().uuidString }
        var nonce = counter.wrappingAdd(1, ordering: .relaxed).newValue.littleEndian
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { output in
            withUnsafeBytes(of: &nonce) { nonce in
                _ = crypto_stream_chacha20(
                    output.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(output.count),
                    nonce.baseAddress!.assumingMemoryBound(to: UInt8.self), key)
            }
        }
        bytes.6 = (bytes.6 & 0x0F) | 0x40
        bytes.8 = (bytes.8 & 0x3F) | 0x80
        return withUnsafeBytes(of: &bytes) { canonicalText(of: $0) }
    }

    /// The 8-4-4-4-12 form of 16 bytes, as `UUID.uuidString` writes it but without going through
    /// `sprintf`, which showed in profiles of `/healthz`.
    static func canonicalText(of bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: 36) { text in
            var position = 0
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    text[position] = UInt8(ascii: "-")
                    position += 1
                }
                text[position] = hexDigit(byte >> 4)
                text[position + 1] = hexDigit(byte & 0x0F)
                position += 2
            }
            return position
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10
    }

    /// The caller's `X-Request-ID` when it is 1 to 128 characters of `A-Z a-z 0-9 . _ -`, else a new UUID.
    static func accept(_ header: String?) -> String {
        if let header, isSaneToken(header) { return header }
        return make()
    }

    static func isSaneToken(_ text: String) -> Bool {
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.count <= 128 else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default: false
            }
        }
    }
}
