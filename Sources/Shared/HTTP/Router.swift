/// Answers a routed request.
public typealias Handler = @Sendable (Request) throws -> Response

/// Runs before a route's handler; may change the request (set its principal) or throw to refuse it.
///
/// An authenticator is a middleware that verifies a credential and sets ``Request/principal``;
/// see ``authenticating(_:)``.
public typealias Middleware = @Sendable (inout Request) throws -> Void

/// Makes a middleware that sets ``Request/principal`` to what `authenticate` returns.
public func authenticating(_ authenticate: @escaping @Sendable (Request) throws -> any Sendable) -> Middleware {
    { request in request.principal = try authenticate(request) }
}

/// Maps a method and a path to a handler.
///
/// Patterns are literal segments and `{name}` segments (`/boletas/{number}/signature`). Patterns
/// without parameters are found with one dictionary lookup; the others are compared segment by
/// segment, literal segments first, so `/boletas/report` wins over `/boletas/{number}`.
public struct Router: Sendable {
    /// A route: its pattern, which is also its metrics label, the middleware and the handler.
    struct Route: Sendable {
        let pattern: String
        /// The position of the route's pattern in ``patterns``, for per-pattern state such as metrics.
        let patternIndex: Int
        let middleware: [Middleware]
        let handler: Handler
    }

    /// All routes of one pattern, by method.
    struct Resource: Sendable {
        let pattern: String
        let index: Int
        let segments: [Segment]
        var routes: [String: Route] = [:]
        var allowed: [String] = []
    }

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    /// What a lookup found.
    enum Match {
        case found(Route, Parameters)
        case methodNotAllowed(pattern: String, patternIndex: Int, allowed: [String])
        case notFound
    }

    private var literalResources: [String: Resource] = [:]
    private var parameterResources: [Resource] = []
    private var scopedMiddleware: [Middleware] = []
    /// Every distinct pattern, in the order first added.
    private(set) var patterns: [String] = []

    /// Creates a router with no routes.
    public init() {}

    /// Every method and pattern the router answers (`GET`, `/boletas/{number}`), sorted, so that
    /// a test can hold them against the service's OpenAPI document.
    public var endpoints: [Endpoint] {
        let resources = Array(literalResources.values) + parameterResources
        return resources.flatMap { resource in
            resource.routes.keys.map { Endpoint(method: $0, pattern: resource.pattern) }
        }
        .sorted { ($0.pattern, $0.method) < ($1.pattern, $1.method) }
    }

    /// One method on one path pattern.
    public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
        public var method: String
        public var pattern: String

        public init(method: String, pattern: String) {
            self.method = method
            self.pattern = pattern
        }

        public var description: String { "\(method) \(pattern)" }
    }

    /// Adds `handler` for `method` on `pattern`, behind `middleware` (run in order).
    public mutating func add(
        _ method: String, _ pattern: String, middleware: [Middleware] = [], _ handler: @escaping Handler
    ) {
        let segments = Self.split(pattern).map { part -> Segment in
            if part.hasPrefix("{"), part.hasSuffix("}") { return .parameter(String(part.dropFirst().dropLast())) }
            return .literal(String(part))
        }
        let method = method.uppercased()
        let middleware = scopedMiddleware + middleware
        if segments.allSatisfy({ if case .literal = $0 { true } else { false } }) {
            let key = "/" + segments.map { if case .literal(let text) = $0 { text } else { "" } }.joined(separator: "/")
            var resource = literalResources[key] ?? newResource(pattern, segments)
            resource.add(
                method,
                Route(pattern: resource.pattern, patternIndex: resource.index, middleware: middleware, handler: handler)
            )
            literalResources[key] = resource
        } else if let position = parameterResources.firstIndex(where: { $0.segments == segments }) {
            let resource = parameterResources[position]
            parameterResources[position].add(
                method,
                Route(pattern: resource.pattern, patternIndex: resource.index, middleware: middleware, handler: handler)
            )
        } else {
            var resource = newResource(pattern, segments)
            resource.add(
                method,
                Route(pattern: resource.pattern, patternIndex: resource.index, middleware: middleware, handler: handler)
            )
            parameterResources.append(resource)
            parameterResources.sort { Self.isMoreSpecific($0.segments, than: $1.segments) }
        }
    }

    private mutating func newResource(_ pattern: String, _ segments: [Segment]) -> Resource {
        patterns.append(pattern)
        return Resource(pattern: pattern, index: patterns.count - 1, segments: segments)
    }

    /// Adds a `GET` route.
    public mutating func get(_ pattern: String, middleware: [Middleware] = [], _ handler: @escaping Handler) {
        add("GET", pattern, middleware: middleware, handler)
    }

    /// Adds a `POST` route.
    public mutating func post(_ pattern: String, middleware: [Middleware] = [], _ handler: @escaping Handler) {
        add("POST", pattern, middleware: middleware, handler)
    }

    /// Adds a `PUT` route.
    public mutating func put(_ pattern: String, middleware: [Middleware] = [], _ handler: @escaping Handler) {
        add("PUT", pattern, middleware: middleware, handler)
    }

    /// Adds a `PATCH` route.
    public mutating func patch(_ pattern: String, middleware: [Middleware] = [], _ handler: @escaping Handler) {
        add("PATCH", pattern, middleware: middleware, handler)
    }

    /// Adds a `DELETE` route.
    public mutating func delete(_ pattern: String, middleware: [Middleware] = [], _ handler: @escaping Handler) {
        add("DELETE", pattern, middleware: middleware, handler)
    }

    /// Adds the routes that `body` adds behind `middleware` as well, such as an authenticator.
    public mutating func group(middleware: [Middleware], _ body: (inout Router) -> Void) {
        let saved = scopedMiddleware
        scopedMiddleware += middleware
        body(&self)
        scopedMiddleware = saved
    }

    /// Finds the route for `method` and `path`; `HEAD` falls back to `GET`.
    func match(method: String, path: String) -> Match {
        if let resource = literalResources[path] ?? literalResources[Self.normalised(path)] {
            return resource.match(method, parameters: Parameters())
        }
        let parts = Self.split(path)
        for resource in parameterResources where resource.segments.count == parts.count {
            var parameters = Parameters()
            var matched = true
            for (segment, part) in zip(resource.segments, parts) {
                switch segment {
                case .literal(let text) where text == part: continue
                case .literal: matched = false
                case .parameter(let name) where !part.isEmpty: parameters.append(name, String(part))
                case .parameter: matched = false
                }
                if !matched { break }
            }
            if matched { return resource.match(method, parameters: parameters) }
        }
        return .notFound
    }

    private static func split(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    /// The path without empty segments, so `/healthz/` finds `/healthz`.
    private static func normalised(_ path: String) -> String {
        "/" + split(path).joined(separator: "/")
    }

    /// Orders patterns so that a literal segment is tried before a parameter in the same place.
    private static func isMoreSpecific(_ lhs: [Segment], than rhs: [Segment]) -> Bool {
        for (left, right) in zip(lhs, rhs) {
            switch (left, right) {
            case (.literal, .parameter): return true
            case (.parameter, .literal): return false
            default: continue
            }
        }
        return lhs.count > rhs.count
    }
}

extension Router.Resource {
    fileprivate mutating func add(_ method: String, _ route: Router.Route) {
        precondition(routes[method] == nil, "Route \(method) \(pattern) is added twice")
        routes[method] = route
        allowed = routes.keys.sorted()
        if routes["GET"] != nil, routes["HEAD"] == nil { allowed = (allowed + ["HEAD"]).sorted() }
    }

    fileprivate func match(_ method: String, parameters: Parameters) -> Router.Match {
        if let route = routes[method] ?? (method == "HEAD" ? routes["GET"] : nil) {
            return .found(route, parameters)
        }
        return .methodNotAllowed(pattern: pattern, patternIndex: index, allowed: allowed)
    }
}
