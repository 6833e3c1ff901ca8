import Foundation

/// An error that an HTTP endpoint answers with, rendered as an RFC 9457 problem document.
///
/// The `code` names the problem type (it becomes `type: /problems/<code>`) and is what callers
/// and tests compare; `detail` is for people; `cause` is the underlying error, which goes to the
/// log and never to the client.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    /// The kind of problem, extensible by each service (`must-change-password`, say).
    public struct Code: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }

        public static let malformed: Code = "malformed-request"
        public static let unauthorized: Code = "unauthorized"
        public static let forbidden: Code = "forbidden"
        public static let notFound: Code = "not-found"
        public static let methodNotAllowed: Code = "method-not-allowed"
        public static let conflict: Code = "conflict"
        public static let payloadTooLarge: Code = "payload-too-large"
        public static let unsupportedMediaType: Code = "unsupported-media-type"
        public static let invalid: Code = "validation-failed"
        public static let throttled: Code = "too-many-requests"
        public static let internalError: Code = "internal-error"
        public static let notReady: Code = "not-ready"
    }

    /// One field that failed validation, named by its JSON path (`entries[1].end`).
    public struct FieldError: Codable, Sendable, Equatable {
        public var field: String
        public var message: String

        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    public var status: Int
    public var code: Code
    public var title: String
    public var detail: String?
    public var fieldErrors: [FieldError]
    /// Extra response headers, such as `Retry-After` or `Allow`.
    public var headers: [(String, String)]
    public var cause: (any Error)?

    public init(
        status: Int, code: Code, title: String, detail: String? = nil, fieldErrors: [FieldError] = [],
        headers: [(String, String)] = [], cause: (any Error)? = nil
    ) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.fieldErrors = fieldErrors
        self.headers = headers
        self.cause = cause
    }

    public var description: String {
        "HTTP \(status) \(code.rawValue)" + (detail.map { ": \($0)" } ?? "") + (cause.map { " (cause: \($0))" } ?? "")
    }

    /// 400: the request cannot be read.
    public static func malformed(_ detail: String, cause: (any Error)? = nil) -> HTTPError {
        HTTPError(status: 400, code: .malformed, title: "Malformed request", detail: detail, cause: cause)
    }

    /// 401: no credentials, or credentials that are not valid.
    public static func unauthorized(_ detail: String = "A valid bearer token is required.") -> HTTPError {
        HTTPError(
            status: 401, code: .unauthorized, title: "Unauthorized", detail: detail,
            headers: [("WWW-Authenticate", "Bearer")])
    }

    /// 403: authenticated, but not allowed to do this.
    public static func forbidden(
        _ detail: String = "You are not allowed to do this.", code: Code = .forbidden
    )
        -> HTTPError
    {
        HTTPError(status: 403, code: code, title: "Forbidden", detail: detail)
    }

    /// 404: nothing there, or nothing the caller may see there.
    public static func notFound(_ detail: String = "Nothing was found here.") -> HTTPError {
        HTTPError(status: 404, code: .notFound, title: "Not found", detail: detail)
    }

    /// 405: the path exists, but not with this method.
    public static func methodNotAllowed(allowed: [String]) -> HTTPError {
        HTTPError(
            status: 405, code: .methodNotAllowed, title: "Method not allowed",
            detail: "This resource accepts \(allowed.joined(separator: ", ")).",
            headers: [("Allow", allowed.joined(separator: ", "))])
    }

    /// 409: the request conflicts with the current state.
    public static func conflict(_ detail: String, code: Code = .conflict) -> HTTPError {
        HTTPError(status: 409, code: code, title: "Conflict", detail: detail)
    }

    /// 413: the body is larger than the limit.
    public static func payloadTooLarge(limit: Int) -> HTTPError {
        HTTPError(
            status: 413, code: .payloadTooLarge, title: "Payload too large",
            detail: "The request body must not exceed \(limit) bytes.")
    }

    /// 415: the body is not JSON.
    public static func unsupportedMediaType(_ expected: String = "application/json") -> HTTPError {
        HTTPError(
            status: 415, code: .unsupportedMediaType, title: "Unsupported media type",
            detail: "The request body must be \(expected).")
    }

    /// 422: the request is well formed but some fields are not acceptable.
    public static func invalid(
        _ fieldErrors: [FieldError], detail: String = "Some fields are not valid."
    )
        -> HTTPError
    {
        HTTPError(status: 422, code: .invalid, title: "Validation failed", detail: detail, fieldErrors: fieldErrors)
    }

    /// 429: too many attempts; try again after `retryAfter` seconds.
    public static func throttled(retryAfter seconds: Int) -> HTTPError {
        HTTPError(
            status: 429, code: .throttled, title: "Too many requests",
            detail: "Too many attempts. Try again in \(seconds) seconds.",
            headers: [("Retry-After", String(seconds))])
    }

    /// 500: something failed inside; the detail stays in the log.
    public static func internalError(cause: (any Error)? = nil) -> HTTPError {
        HTTPError(
            status: 500, code: .internalError, title: "Internal error",
            detail: "The request could not be completed. It has been logged.", cause: cause)
    }

    /// 503: a dependency is not reachable.
    public static func notReady(_ detail: String) -> HTTPError {
        HTTPError(status: 503, code: .notReady, title: "Service unavailable", detail: detail)
    }
}

/// An error of a lower layer or of the domain that knows which HTTP problem it is.
public protocol HTTPErrorConvertible: Error {
    /// The problem to answer with.
    var httpError: HTTPError { get }
}
