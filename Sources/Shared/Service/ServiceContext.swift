import Foundation

/// What a service's own code is given to work with: its settings, logger, database, outbox,
/// metrics and the authenticator of access tokens.
public final class ServiceContext: Sendable {
    public let configuration: ServiceConfiguration
    public let logger: Logger
    public let pool: PostgresPool
    public let outbox: Outbox
    public let metrics: MetricsRegistry
    public let amqpSettings: AMQPConnectionSettings
    /// Verifies bearer tokens with Identity's public key; `nil` when no key is configured, in
    /// which case every authenticated endpoint answers 401.
    public let authenticator: BearerAuthenticator?
    /// The users whose tokens are refused before they expire.
    public let revokedUsers: RevokedUsers

    init(configuration: ServiceConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        amqpSettings = try AMQPConnectionSettings(url: configuration.amqpURL)
        pool = PostgresPool(
            configuration: PostgresPool.Configuration(
                url: Self.url(configuration.databaseURL, searchPath: configuration.name),
                maxConnections: configuration.databasePoolSize,
                acquireTimeout: configuration.databasePoolTimeout, applicationName: configuration.name),
            logger: logger.labelled(logger.label + ".db"))
        outbox = Outbox(
            schema: configuration.name, exchange: configuration.eventsExchange, producer: configuration.name)
        metrics = MetricsRegistry()
        revokedUsers = RevokedUsers(schema: configuration.name)
        if let key = configuration.jwtPublicKey {
            let publicKey = try Ed25519.PublicKey(base64URL: key)
            authenticator = BearerAuthenticator(
                verifier: TokenVerifier(publicKey: publicKey, audience: configuration.jwtAudience))
        } else {
            authenticator = nil
        }
    }

    /// A scheduler of `jobs` on this service's schema and pool, recording its runs as `instance`.
    ///
    /// Which days ran is kept in `job_run`, not in the scheduler, so that replicas, operator runs
    /// and tests each hold one and every day still runs once.
    public func scheduler(
        of jobs: [ScheduledJob], instance: String = JobScheduler.defaultInstance,
        clock: @escaping @Sendable () -> Date
    ) throws -> JobScheduler {
        try JobScheduler(
            schema: configuration.name, pool: pool, jobs: jobs, instance: instance, clock: clock, logger: logger)
    }

    /// `url` with the service's schema as the session's search path, so that the service's SQL
    /// names its own tables without a schema, whatever role it connects as.
    static func url(_ url: String, searchPath schema: String) -> String {
        let option = "options=-c%20search_path%3D\(schema)"
        return url + (url.contains("?") ? "&" : "?") + option
    }

    /// The middleware that requires a valid access token of a user still active, who has chosen
    /// its own password, and puts its ``Principal`` on the request.
    public var requireToken: Middleware { tokenMiddleware(allowingPasswordChange: false) }

    /// Like ``requireToken``, but lets through a user that must still change its password: for
    /// the password change itself.
    public var requireTokenAllowingPasswordChange: Middleware { tokenMiddleware(allowingPasswordChange: true) }

    private func tokenMiddleware(allowingPasswordChange: Bool) -> Middleware {
        let authenticator = authenticator
        let revokedUsers = revokedUsers
        return authenticating { request in
            guard let authenticator else {
                throw HTTPError.unauthorized("This service has no key to verify access tokens with.")
            }
            let principal = try authenticator.authenticate(authorization: request.headers["Authorization"])
            guard !revokedUsers.contains(principal.userID) else {
                throw HTTPError.unauthorized("This account is no longer active.")
            }
            if !allowingPasswordChange { try principal.requirePasswordChanged() }
            return principal
        }
    }

    /// The middleware that lets through only vendor staff with one of `roles`.
    public func requireVendorRole(_ roles: VendorRole...) -> Middleware {
        { request in
            let principal = try request.principal(as: Principal.self)
            guard let role = principal.vendorRole, roles.contains(role) else { throw HTTPError.forbidden() }
        }
    }
}
