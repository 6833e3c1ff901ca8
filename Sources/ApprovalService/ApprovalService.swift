import Foundation
import Shared

/// Approval: the financial approver's decisions, divergences and the billing report (R25-R28, R30, R32).
///
/// The endpoints and event handlers are added by extensions: `Requests/` (the approval request of
/// each billed or contracted boleta, kept from Boleta's events), `Deciding/` (the approver's list,
/// its decisions and their reopening), `Divergences/` (raised by disagreements and rejections,
/// resolved by vendor management), `Billing/` (the billing report) and `Reminders/` (the daily
/// approval reminders). What Approval knows of people comes from Identity's events (``DirectoryCopy``).
struct ApprovalService: Sendable {
    let context: ServiceContext
    /// The current time; tests set it.
    let clock: @Sendable () -> Date

    init(context: ServiceContext, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.context = context
        self.clock = clock
    }

    var pool: PostgresPool { context.pool }
    var outbox: Outbox { context.outbox }
    var logger: Logger { context.logger }

    /// What Approval adds to the platform.
    func components() throws -> ServiceComponents {
        let service = self
        return ServiceComponents(
            migrations: ApprovalMigrations.all,
            handlers: DirectoryCopy.handlers + boletaHandlers(),
            jobs: reminderJobs(),
            clock: clock,
            routes: { router in
                service.addDecisionRoutes(to: &router)
                service.addDivergenceRoutes(to: &router)
                service.addBillingRoutes(to: &router)
            })
    }
}
