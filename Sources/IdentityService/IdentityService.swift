import Foundation
import Shared

/// Identity: clients, users, roles, credentials, sessions and the activation cycle.
///
/// The endpoints are added by extensions in `Directory/` (clients, users, flags, activation)
/// and `Sessions/` (login, tokens, passwords, signature assertions).
struct IdentityService: Sendable {
    let context: ServiceContext
    let configuration: IdentityConfiguration
    let hasher: PasswordHasher
    /// The current time; tests set it to walk through the activation cycle.
    let clock: @Sendable () -> Date

    init(
        context: ServiceContext, configuration: IdentityConfiguration,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.context = context
        self.configuration = configuration
        self.hasher = PasswordHasher(limits: configuration.passwordHashLimits)
        self.clock = clock
    }

    var pool: PostgresPool { context.pool }
    var outbox: Outbox { context.outbox }
    var logger: Logger { context.logger }

    /// What Identity adds to the platform.
    func components() throws -> ServiceComponents {
        let service = self
        return ServiceComponents(
            migrations: IdentityMigrations.all,
            jobs: activationJobs(),
            clock: clock,
            startup: { try service.startup() },
            routes: { router in
                service.addDirectoryRoutes(to: &router)
                service.addSessionRoutes(to: &router)
            })
    }
}
