import Foundation

/// What a handler answers with: a status, header fields and a body.
public struct Response: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The header fields; the server adds `Content-Length` and `X-Request-ID`.
    public var headers: HTTPHeaders
    /// The body, empty for none.
    public var body: Data

    /// Creates a response.
    public init(status: Int = 200, headers: HTTPHeaders = HTTPHeaders(), body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON body encoded with ``JSONCoding``.
    public static func json(_ value: some Encodable, status: Int = 200) throws -> Response {
        Response(status: status, headers: ["Content-Type": "application/json"], body: try JSONCoding.encode(value))
    }

    /// A plain-text body in UTF-8.
    public static func text(_ text: String, status: Int = 200) -> Response {
        Response(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Data(text.utf8))
    }

    /// A CSV body in UTF-8, offered as a download named `filename` when one is given.
    public static func csv(_ text: String, filename: String? = nil, status: Int = 200) -> Response {
        var response = Response(
            status: status, headers: ["Content-Type": "text/csv; charset=utf-8"], body: Data(text.utf8))
        if let filename {
            response.headers.add("Content-Disposition", "attachment; filename=\"\(filename)\"")
        }
        return response
    }

    /// 204 with no body.
    public static func noContent() -> Response {
        Response(status: 204)
    }

    /// The RFC 9457 problem document for `error`, about the resource at `instance`.
    public static func problem(_ error: HTTPError, instance: String) -> Response {
        var headers: HTTPHeaders = ["Content-Type": "application/problem+json"]
        for (name, value) in error.headers {
            headers.add(name, value)
        }
        let problem = ProblemDocument(
            type: "/problems/\(error.code.rawValue)", title: error.title, status: error.status, detail: error.detail,
            instance: instance, errors: error.fieldErrors.isEmpty ? nil : error.fieldErrors)
        // Encoding these plain strings cannot fail; the fallback keeps the signature non-throwing.
        let body = (try? JSONCoding.encode(problem)) ?? Data("{\"status\":\(error.status)}".utf8)
        return Response(status: error.status, headers: headers, body: body)
    }
}

/// The body of an `application/problem+json` response.
struct ProblemDocument: Codable, Sendable {
    var type: String
    var title: String
    var status: Int
    var detail: String?
    var instance: String
    var errors: [HTTPError.FieldError]?
}
