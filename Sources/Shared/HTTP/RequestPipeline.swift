import Foundation
import Synchronization

/// Routes a read request, runs middleware and handler, and turns every outcome into a response.
///
/// Independent of libmicrohttpd, so that the whole answering path can be reasoned about (and
/// measured) on its own. Shared by every server thread: it holds only immutable state and
/// thread-safe metrics.
final class RequestPipeline: Sendable {
    let router: Router
    let logger: Logger
    private let requests: Counter
    private let durations: Histogram

    /// The route label of requests that matched no route, so that unknown paths add no series.
    static let unmatchedRoute = "unmatched"

    init(router: Router, logger: Logger, metrics: MetricsRegistry) {
        self.router = router
        self.logger = logger
        requests = metrics.counter(
            "http_requests_total", help: "HTTP requests answered, by route, method and status.",
            labels: ["route", "method", "status"])
        durations = metrics.histogram(
            "http_request_duration_seconds", help: "Time from a request's arrival to its answer, by route.",
            labels: ["route"])
    }

    /// Answers `request`; never throws, whatever the handler does.
    func respond(to request: inout Request, started: ContinuousClock.Instant) -> Response {
        var response: Response
        do {
            response = try route(&request)
        } catch {
            response = problemResponse(for: error, request: request)
        }
        response.headers.add("X-Request-ID", request.id)

        let route = request.route.isEmpty ? Self.unmatchedRoute : request.route
        let elapsed = (ContinuousClock.now - started).seconds
        requests.increment([route, Self.methodLabel(request.method), Self.statusLabel(response.status)])
        durations.observe(elapsed, [route])
        if logger.level <= .debug {
            request.logger.debug(
                "Request answered",
                metadata: [
                    "http.method": request.method, "http.route": route, "http.status": String(response.status),
                    "http.duration_ms": String(format: "%.3f", elapsed * 1000),
                ])
        }
        return response
    }

    /// A response for a request that is refused before it is routed, such as one too large.
    func refuse(_ request: inout Request, with error: HTTPError, started: ContinuousClock.Instant) -> Response {
        var response = Response.problem(error, instance: request.path)
        response.headers.add("X-Request-ID", request.id)
        requests.increment([Self.unmatchedRoute, Self.methodLabel(request.method), Self.statusLabel(error.status)])
        durations.observe((ContinuousClock.now - started).seconds, [Self.unmatchedRoute])
        request.logger.debug("Request refused", metadata: ["http.status": String(error.status)])
        return response
    }

    private func route(_ request: inout Request) throws -> Response {
        switch router.match(method: request.method, path: request.path) {
        case .found(let route, let parameters):
            request.route = route.pattern
            request.pathParameters = parameters
            for middleware in route.middleware {
                try middleware(&request)
            }
            return try route.handler(request)
        case .methodNotAllowed(let pattern, let allowed):
            request.route = pattern
            throw HTTPError.methodNotAllowed(allowed: allowed)
        case .notFound:
            throw HTTPError.notFound()
        }
    }

    private func problemResponse(for error: any Error, request: Request) -> Response {
        let problem: HTTPError
        if let error = error as? HTTPError {
            problem = error
        } else if let error = error as? any HTTPErrorConvertible {
            problem = error.httpError
        } else {
            problem = .internalError(cause: error)
        }
        if problem.status >= 500 {
            request.logger.error(
                "Request failed",
                metadata: [
                    "http.method": request.method, "http.route": request.route, "http.status": String(problem.status),
                    "error": problem.cause.map { String(reflecting: $0) } ?? problem.description,
                ])
        }
        return Response.problem(problem, instance: request.path)
    }

    /// The caller's `X-Request-ID` when it is 1 to 128 characters of `A-Z a-z 0-9 . _ -`, else a new UUID.
    static func requestID(from header: String?) -> String {
        if let header, isSaneToken(header) { return header }
        return UUID().uuidString
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

    private static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    /// The method as a metrics label; anything unusual is `other`, so clients cannot add series.
    static func methodLabel(_ method: String) -> String {
        knownMethods.contains(method) ? method : "other"
    }

    private static let statusLabels: [String] = (0..<600).map { String($0) }

    static func statusLabel(_ status: Int) -> String {
        statusLabels.indices.contains(status) ? statusLabels[status] : String(status)
    }
}
