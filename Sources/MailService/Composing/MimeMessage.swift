import Foundation

/// A person's address as a header names it: a display name and an e-mail address.
struct MailAddress: Sendable, Equatable {
    var name: String
    var email: String

    /// The header form: the name quoted when it is plain ASCII, an RFC 2047 encoded word when it is
    /// not (accented names), then the address in angle brackets.
    var headerValue: String {
        guard !name.isEmpty else { return "<\(email)>" }
        return "\(MimeEncoding.phrase(name)) <\(email)>"
    }
}

/// One e-mail as it goes over SMTP: headers and a `multipart/alternative` body with a
/// `text/plain` and a `text/html` part, both UTF-8 in quoted-printable.
struct MimeMessage: Sendable {
    var from: MailAddress
    var to: MailAddress
    var subject: String
    var date: Date
    /// The `Message-ID`, without the angle brackets; the same at every attempt.
    var messageID: String
    var text: String
    var html: String

    /// The whole message, lines ended by CRLF.
    func rendered() -> Data {
        // "=_" never occurs in quoted-printable text, so no part can contain the boundary.
        let boundary =
            "=_alt_"
            + String(
                messageID.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) {
                    ($0 ^ UInt64($1)) &* 0x100_0000_01b3
                }, radix: 16)
        let headers = [
            "From: \(from.headerValue)",
            "To: \(to.headerValue)",
            "Subject: \(MimeEncoding.unstructured(subject))",
            "Date: \(MimeEncoding.date(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Language: pt-BR",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
        ]
        var lines = headers + [""]
        for (type, content) in [("text/plain", text), ("text/html", html)] {
            lines.append("--\(boundary)")
            lines.append("Content-Type: \(type); charset=UTF-8")
            lines.append("Content-Transfer-Encoding: quoted-printable")
            lines.append("")
            lines.append(MimeEncoding.quotedPrintable(content))
        }
        lines.append("--\(boundary)--")
        lines.append("")
        return Data(lines.joined(separator: "\r\n").utf8)
    }
}

/// The encodings of RFC 2045 and RFC 2047 that messages need.
enum MimeEncoding {
    /// The most bytes of text one encoded word carries: 45 bytes make 60 base64 characters, which
    /// with `=?UTF-8?B?` and `?=` stay under the 75 that RFC 2047 allows.
    private static let bytesPerWord = 45

    /// A header's free text (a subject): as it is when it is printable ASCII, otherwise as
    /// encoded words folded onto lines of their own.
    static func unstructured(_ text: String) -> String {
        guard needsEncoding(text) else { return text }
        return encodedWords(text).joined(separator: "\r\n ")
    }

    /// A display name: quoted when it is printable ASCII, otherwise encoded words.
    static func phrase(_ text: String) -> String {
        guard needsEncoding(text) else {
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\""
        }
        return encodedWords(text).joined(separator: "\r\n ")
    }

    private static func needsEncoding(_ text: String) -> Bool {
        text.utf8.contains { $0 < 0x20 || $0 > 0x7e } || text.contains("=?")
    }

    /// `text` as `=?UTF-8?B?...?=` words, split between characters so that each word decodes alone.
    static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > bytesPerWord && !chunk.isEmpty {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words
    }

    /// `text` in quoted-printable (RFC 2045): lines ended by CRLF, none longer than 76 characters.
    static func quotedPrintable(_ text: String) -> String {
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n")
        return normalised.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            encodeLine(Array(line.utf8))
        }.joined(separator: "\r\n")
    }

    private static func encodeLine(_ bytes: [UInt8]) -> String {
        var output = ""
        var current = ""
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            let token: String
            switch byte {
            case 0x20, 0x09:
                // Space at the end of a line would be lost in transit.
                token = isLast ? hex(byte) : String(UnicodeScalar(byte))
            case 0x21...0x7e where byte != UInt8(ascii: "="):
                token = String(UnicodeScalar(byte))
            default:
                token = hex(byte)
            }
            if current.utf8.count + token.utf8.count > 75 {
                output += current + "=\r\n"
                current = ""
            }
            current += token
        }
        return output + current
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "=" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0f)])
    }

    /// The `Date` header's form (RFC 5322), in UTC.
    static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
