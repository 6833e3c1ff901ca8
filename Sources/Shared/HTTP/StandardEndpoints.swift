import Foundation

/// A dependency that `/readyz` checks, such as the database or the broker.
public struct ReadinessCheck: Sendable {
    /// The name the 503 problem gives when this check fails, such as `database`.
    public var name: String
    /// Throws when the dependency is not reachable; should answer within a second or two.
    public var check: @Sendable () throws -> Void

    /// Creates a check named `name`.
    public init(name: String, check: @escaping @Sendable () throws -> Void) {
        self.name = name
        self.check = check
    }
}

extension Router {
    /// The body of `/healthz`, encoded once.
    private static let healthyBody = Data("{\"status\":\"ok\"}".utf8)

    /// Adds `GET /healthz` (alive), `GET /readyz` (every check passes) and `GET /metrics`.
    ///
    /// `/readyz` answers 503 naming each failing check; the reasons go to the log only.
    public mutating func addStandardEndpoints(metrics: MetricsRegistry, readiness: [ReadinessCheck] = []) {
        get("/healthz") { _ in
            Response(status: 200, headers: ["Content-Type": "application/json"], body: Router.healthyBody)
        }
        get("/readyz") { request in
            var failing: [String] = []
            for readinessCheck in readiness {
                do {
                    try readinessCheck.check()
                } catch {
                    failing.append(readinessCheck.name)
                    request.logger.warning(
                        "Readiness check failed", metadata: ["check": readinessCheck.name, "error": "\(error)"])
                }
            }
            guard failing.isEmpty else {
                throw HTTPError.notReady("Not reachable: \(failing.joined(separator: ", ")).")
            }
            return Response(status: 200, headers: ["Content-Type": "application/json"], body: Router.healthyBody)
        }
        get("/metrics") { _ in
            Response(
                status: 200, headers: ["Content-Type": PrometheusText.contentType],
                body: Data(metrics.render().utf8))
        }
    }
}
