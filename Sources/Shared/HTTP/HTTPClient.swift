import CCurl
import CShims
import Foundation

/// A small blocking HTTP client on libcurl: one easy handle per request.
///
/// Meant for tests and for the occasional call between services; it follows no redirects and
/// keeps no connections between requests.
public struct HTTPClient: Sendable {
    /// How long a whole request may take.
    public var timeout: Duration

    /// Creates a client whose requests time out after `timeout`.
    public init(timeout: Duration = .seconds(10)) {
        self.timeout = timeout
    }

    /// The answer to a request.
    public struct Response: Sendable {
        /// The HTTP status code.
        public var status: Int
        /// The response header fields of the final response.
        public var headers: HTTPHeaders
        /// The body.
        public var body: Data

        /// The body decoded as UTF-8.
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Sends `method` to `url` with `headers` and `body`, and waits for the whole answer.
    public func send(
        _ method: String, _ url: String, headers: [(String, String)] = [], body: Data = Data()
    ) throws(CurlError) -> Response {
        _ = CurlGlobal.initialised
        guard let handle = curl_easy_init() else {
            throw CurlError(code: .easyInit, message: "curl_easy_init returned no handle")
        }
        defer { curl_easy_cleanup(handle) }

        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        var fields = headers.map { "\($0.0): \($0.1)" }
        // Stop libcurl from adding a form Content-Type or an Expect: 100-continue on its own.
        if !headers.contains(where: { HTTPHeaders.sameName($0.0, "Content-Type") }) { fields.append("Content-Type:") }
        fields.append("Expect:")
        for field in fields {
            headerList = curl_slist_append(headerList, field)
        }

        try check(shim_curl_setopt_string(handle, CURLOPT_URL, url), "curl_easy_setopt(CURLOPT_URL)")
        try check(shim_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "curl_easy_setopt(CURLOPT_NOSIGNAL)")
        try check(
            shim_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(timeout.wholeMilliseconds)),
            "curl_easy_setopt(CURLOPT_TIMEOUT_MS)")
        try check(
            shim_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList), "curl_easy_setopt(CURLOPT_HTTPHEADER)")
        if method == "HEAD" {
            try check(shim_curl_setopt_long(handle, CURLOPT_NOBODY, 1), "curl_easy_setopt(CURLOPT_NOBODY)")
        } else {
            try check(
                shim_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method),
                "curl_easy_setopt(CURLOPT_CUSTOMREQUEST)")
        }
        if !body.isEmpty {
            try check(
                shim_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count),
                "curl_easy_setopt(CURLOPT_POSTFIELDSIZE)")
            let copied = body.withUnsafeBytes { bytes in
                shim_curl_setopt_pointer(
                    handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            }
            try check(copied, "curl_easy_setopt(CURLOPT_COPYPOSTFIELDS)")
        }

        let sink = BodySink()
        let sinkPointer = Unmanaged.passRetained(sink).toOpaque()
        defer { Unmanaged<BodySink>.fromOpaque(sinkPointer).release() }
        try check(
            shim_curl_setopt_write_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteBody),
            "curl_easy_setopt(CURLOPT_WRITEFUNCTION)")
        try check(
            shim_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, sinkPointer), "curl_easy_setopt(CURLOPT_WRITEDATA)")

        try check(curl_easy_perform(handle), "curl_easy_perform")

        var status = 0
        try check(
            shim_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status), "curl_easy_getinfo(CURLINFO_RESPONSE_CODE)"
        )
        return Response(status: status, headers: responseHeaders(handle), body: sink.body)
    }

    /// Sends a `GET`.
    public func get(_ url: String, headers: [(String, String)] = []) throws(CurlError) -> Response {
        try send("GET", url, headers: headers)
    }

    /// Sends a `POST` of `body`, JSON unless `headers` say otherwise.
    public func post(_ url: String, headers: [(String, String)] = [], body: Data) throws(CurlError) -> Response {
        var headers = headers
        if !headers.contains(where: { HTTPHeaders.sameName($0.0, "Content-Type") }) {
            headers.append(("Content-Type", "application/json"))
        }
        return try send("POST", url, headers: headers, body: body)
    }

    private func check(_ code: CURLcode, _ call: String) throws(CurlError) {
        guard code != CURLE_OK else { return }
        throw CurlError(
            code: CurlError.Code(rawValue: call), message: String(cString: curl_easy_strerror(code)),
            curlCode: Int(code.rawValue))
    }

    private func responseHeaders(_ handle: UnsafeMutableRawPointer) -> HTTPHeaders {
        var headers = HTTPHeaders()
        var previous: UnsafeMutablePointer<curl_header>?
        while let header = curl_easy_nextheader(handle, UInt32(CURLH_HEADER), -1, previous) {
            headers.add(String(cString: header.pointee.name), String(cString: header.pointee.value))
            previous = header
        }
        return headers
    }
}

/// A failed libcurl call.
public struct CurlError: Error, Sendable, CustomStringConvertible {
    /// The libcurl call that failed, such as `curl_easy_perform`.
    public struct Code: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }

        public static let easyInit: Code = "curl_easy_init"
        public static let perform: Code = "curl_easy_perform"
    }

    /// The call that failed.
    public var code: Code
    /// libcurl's explanation.
    public var message: String
    /// libcurl's `CURLcode`, or 0 when there was none.
    public var curlCode: Int

    public init(code: Code, message: String, curlCode: Int = 0) {
        self.code = code
        self.message = message
        self.curlCode = curlCode
    }

    public var description: String { "\(code.rawValue) failed: \(message) (CURLcode \(curlCode))" }
}

/// Runs `curl_global_init` once, before the first handle; a Swift global is initialised exactly once.
private enum CurlGlobal {
    static let initialised: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
}

/// Collects a response body; only the thread running `curl_easy_perform` touches it.
private final class BodySink {
    var body = Data()
}

private func curlWriteBody(
    data: UnsafeMutablePointer<CChar>?, size: Int, count: Int, context: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let context else { return 0 }
    let sink = Unmanaged<BodySink>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    data.withMemoryRebound(to: UInt8.self, capacity: length) { sink.body.append($0, count: length) }
    return length
}
