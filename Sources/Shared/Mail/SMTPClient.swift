import CCurl
import CShims
import Foundation

/// Where and how to hand messages to an SMTP server.
public struct SMTPSettings: Sendable, Equatable {
    /// `smtp://host:port` (plain, or STARTTLS with ``requiresStartTLS``) or `smtps://host:port` (TLS from the start).
    public var url: String
    /// Whether the session must be upgraded with STARTTLS before anything is sent.
    public var requiresStartTLS: Bool
    /// The account to authenticate as; `nil` for a server that takes mail without login.
    public var username: String?
    public var password: String?
    /// How long one whole delivery, from connecting to the last reply, may take.
    public var timeout: Duration

    /// Settings for the server at `url`.
    public init(
        url: String, requiresStartTLS: Bool = false, username: String? = nil, password: String? = nil,
        timeout: Duration = .seconds(30)
    ) {
        self.url = url
        self.requiresStartTLS = requiresStartTLS
        self.username = username
        self.password = password
        self.timeout = timeout
    }
}

/// A small blocking SMTP client on libcurl: one session per message, so that a broken session
/// never affects the next message.
public struct SMTPClient: Sendable {
    public let settings: SMTPSettings

    /// A client of the server that `settings` name.
    public init(settings: SMTPSettings) {
        self.settings = settings
    }

    /// Sends `message` (a complete RFC 5322 message with CRLF line ends) from envelope sender
    /// `from` to `recipients`, and returns once the server accepted it.
    ///
    /// - Throws: ``SMTPError`` with the server's last reply; ``SMTPError/isPermanent`` tells a
    ///   refusal (5xx) from a failure that may pass (4xx, no connection, a time-out).
    public func send(from: String, to recipients: [String], message: Data) throws(SMTPError) {
        _ = SMTPCurlGlobal.initialised
        guard let handle = curl_easy_init() else {
            throw SMTPError(replyCode: 0, reply: "", curlMessage: "curl_easy_init returned no handle")
        }
        defer { curl_easy_cleanup(handle) }

        var recipientList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(recipientList) }
        for recipient in recipients {
            recipientList = curl_slist_append(recipientList, "<\(recipient)>")
        }

        let session = SMTPSession(message: message)
        let sessionPointer = Unmanaged.passRetained(session).toOpaque()
        defer { Unmanaged<SMTPSession>.fromOpaque(sessionPointer).release() }

        try configure(handle) { shim_curl_setopt_string(handle, CURLOPT_URL, settings.url) }
        try configure(handle) { shim_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1) }
        try configure(handle) {
            shim_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(settings.timeout.wholeMilliseconds))
        }
        try configure(handle) { shim_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, 10_000) }
        if settings.requiresStartTLS {
            try configure(handle) { shim_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)) }
        }
        if let username = settings.username {
            try configure(handle) { shim_curl_setopt_string(handle, CURLOPT_USERNAME, username) }
            try configure(handle) { shim_curl_setopt_string(handle, CURLOPT_PASSWORD, settings.password ?? "") }
        }
        try configure(handle) { shim_curl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(from)>") }
        try configure(handle) { shim_curl_setopt_pointer(handle, CURLOPT_MAIL_RCPT, recipientList) }
        try configure(handle) { shim_curl_setopt_long(handle, CURLOPT_UPLOAD, 1) }
        try configure(handle) { shim_curl_setopt_long(handle, CURLOPT_INFILESIZE, message.count) }
        try configure(handle) { shim_curl_setopt_write_callback(handle, CURLOPT_READFUNCTION, smtpReadMessage) }
        try configure(handle) { shim_curl_setopt_pointer(handle, CURLOPT_READDATA, sessionPointer) }
        // The debug callback is how libcurl shows the server's replies; only those are kept.
        try configure(handle) { shim_curl_setopt_debug_callback(handle, smtpCollectReply) }
        try configure(handle) { shim_curl_setopt_pointer(handle, CURLOPT_DEBUGDATA, sessionPointer) }
        try configure(handle) { shim_curl_setopt_long(handle, CURLOPT_VERBOSE, 1) }

        let result = curl_easy_perform(handle)
        guard result != CURLE_OK else { return }
        var code = 0
        _ = shim_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        throw SMTPError(
            replyCode: code, reply: session.lastReply, curlMessage: String(cString: curl_easy_strerror(result)))
    }

    private func configure(_ handle: UnsafeMutableRawPointer, _ call: () -> CURLcode) throws(SMTPError) {
        let code = call()
        guard code != CURLE_OK else { return }
        throw SMTPError(
            replyCode: 0, reply: "",
            curlMessage: "curl_easy_setopt failed: \(String(cString: curl_easy_strerror(code)))")
    }
}

/// A message the SMTP server did not take.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    /// The server's last reply code, 0 when it never answered (no connection, a time-out).
    public var replyCode: Int
    /// The server's last reply line, as it sent it; empty when it never answered.
    public var reply: String
    /// libcurl's explanation of the failure.
    public var curlMessage: String

    public init(replyCode: Int, reply: String, curlMessage: String) {
        self.replyCode = replyCode
        self.reply = reply
        self.curlMessage = curlMessage
    }

    /// Whether the server refused the message for good (a 5xx reply): sending it again cannot help.
    public var isPermanent: Bool { (500..<600).contains(replyCode) }

    public var description: String {
        reply.isEmpty ? "SMTP delivery failed: \(curlMessage)" : "SMTP delivery failed: \(reply) (\(curlMessage))"
    }
}

/// Runs `curl_global_init` once, before the first handle.
private enum SMTPCurlGlobal {
    static let initialised: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
}

/// The message being uploaded and the server's replies; only the thread in `curl_easy_perform` touches it.
private final class SMTPSession {
    let message: Data
    var offset = 0
    var lastReply = ""

    init(message: Data) {
        self.message = message
    }
}

private func smtpReadMessage(
    buffer: UnsafeMutablePointer<CChar>?, size: Int, count: Int, context: UnsafeMutableRawPointer?
) -> Int {
    guard let buffer, let context else { return 0 }
    let session = Unmanaged<SMTPSession>.fromOpaque(context).takeUnretainedValue()
    let length = min(size * count, session.message.count - session.offset)
    guard length > 0 else { return 0 }
    let start = session.message.startIndex + session.offset
    session.message.copyBytes(
        to: UnsafeMutableRawBufferPointer(start: buffer, count: length).bindMemory(to: UInt8.self),
        from: start..<(start + length))
    session.offset += length
    return length
}

private func smtpCollectReply(
    handle: UnsafeMutableRawPointer?, type: curl_infotype, data: UnsafeMutablePointer<CChar>?, size: Int,
    context: UnsafeMutableRawPointer?
) -> Int32 {
    guard type == CURLINFO_HEADER_IN, let data, let context else { return 0 }
    let session = Unmanaged<SMTPSession>.fromOpaque(context).takeUnretainedValue()
    let text = data.withMemoryRebound(to: UInt8.self, capacity: size) {
        String(decoding: UnsafeBufferPointer(start: $0, count: size), as: UTF8.self)
    }
    let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
    if !line.isEmpty { session.lastReply = line }
    return 0
}
