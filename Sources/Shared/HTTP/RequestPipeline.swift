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
    /// The metrics of each route pattern, by ``Router/Route/patternIndex``; the last is `unmatched`.
    private let patternMetrics: [PatternMetrics]

    init(router: Router, logger: Logger, metrics: MetricsRegistry) {
        self.router = router
        self.logger = logger
        let requests = metrics.counter(
            "http_requests_total", help: "HTTP requests answered, by route, method and status.",
            labels: ["route", "method", "status"])
        let durations = metrics.histogram(
            "http_request_duration_seconds", help: "Time from a request's arrival to its answer, by route.",
            labels: ["route"])
        patternMetrics = (router.patterns + [Self.unmatchedRoute]).map {
            PatternMetrics(route: $0, requests: requests, durations: durations)
        }
    }

    /// Answers `request`; never throws, whatever the handler does.
    func respond(to request: inout Request, started: ContinuousClock.Instant) -> Response {
        var response: Response
        var patternIndex = patternMetrics.count - 1
        do {
            response = try route(&request, patternIndex: &patternIndex)
        } catch {
            response = problemResponse(for: error, request: request)
        }
        response.headers.add("X-Request-ID", request.id)
        record(request, response.status, patternIndex: patternIndex, started: started)
        return response
    }

    /// A response for a request that is refused before it is routed, such as one too large.
    func refuse(_ request: inout Request, with error: HTTPError, started: ContinuousClock.Instant) -> Response {
        var response = Response.problem(error, instance: request.path)
        response.headers.add("X-Request-ID", request.id)
        record(request, error.status, patternIndex: patternMetrics.count - 1, started: started)
        return response
    }

    private func record(_ request: Request, _ status: Int, patternIndex: Int, started: ContinuousClock.Instant) {
        let elapsed = (ContinuousClock.now - started).seconds
        let metrics = patternMetrics[patternIndex]
        metrics.record(method: request.method, status: status, seconds: elapsed)
        if logger.level <= .debug {
            request.logger.debug(
                "Request answered",
                metadata: [
                    "http.method": request.method, "http.route": metrics.route, "http.status": String(status),
                    "http.duration_ms": String(format: "%.3f", elapsed * 1000),
                ])
        }
    }

    private func route(_ request: inout Request, patternIndex: inout Int) throws -> Response {
        switch router.match(method: request.method, path: request.path) {
        case .found(let route, let parameters):
            request.route = route.pattern
            request.pathParameters = parameters
            patternIndex = route.patternIndex
            for middleware in route.middleware {
                try middleware(&request)
            }
            return try route.handler(request)
        case .methodNotAllowed(let pattern, let index, let allowed):
            request.route = pattern
            patternIndex = index
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
            // A failure inside needs a person; a dependency that is down (503) is already
            // reported by whatever watches it, so it stays a warning.
            request.logger.log(
                problem.code == .internalError ? .error : .warning, "Request failed",
                metadata: [
                    "http.method": request.method, "http.route": request.route, "http.status": String(problem.status),
                    "error": problem.cause.map { String(reflecting: $0) } ?? problem.description,
                ])
        }
        return Response.problem(problem, instance: request.path)
    }

    /// The route label of requests that matched no route, so that unknown paths add no series.
    static let unmatchedRoute = "unmatched"
}

/// The metric samples of one route pattern, looked up once instead of by labels on every request.
private final class PatternMetrics: Sendable {
    let route: String
    private let requests: Counter
    private let duration: Histogram.Child
    /// Counter samples by method and status, keyed `status * 8 + method`.
    private let counts = Mutex<[Int: Counter.Child]>([:])

    private let methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    init(route: String, requests: Counter, durations: Histogram) {
        self.route = route
        self.requests = requests
        duration = durations.labels([route])
    }

    func record(method: String, status: Int, seconds: Double) {
        duration.observe(seconds)
        // Unusual methods share one label, so that clients cannot add series.
        let methodIndex = methods.firstIndex(of: method) ?? methods.count
        let key = status * 8 + methodIndex
        let counter = counts.withLock { counts in
            if let counter = counts[key] { return counter }
            let label = methodIndex < methods.count ? methods[methodIndex] : "other"
            let counter = requests.labels([route, label, String(status)])
            counts[key] = counter
            return counter
        }
        counter.increment()
    }
}
