import Foundation
import Shared

/// Boleta: PAT intake, contracts and rates, boletas, signatures and the service report.
///
/// The endpoints and event handlers are added by extensions: `Directory/` (what Boleta keeps of
/// Identity's clients and users), `Pats/` (PAT intake and listing), `Recording/` (contracts,
/// rates and boletas), `Signing/` (signatures and the list of boletas to sign), `Report/` (the
/// service report), `Reminders/` (the daily signature reminders), `Approvals/` (Approval's
/// decisions and resolved natures, shown beside each boleta) and `Printing/` (the boleta as a PDF).
struct BoletaService: Sendable {
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

    /// What Boleta adds to the platform.
    func components() throws -> ServiceComponents {
        let service = self
        return ServiceComponents(
            migrations: BoletaMigrations.all + RecordingMigrations.all + SigningMigrations.all
                + ApprovalOutcomeMigrations.all + ServiceReportMigrations.all,
            handlers: directoryHandlers() + patHandlers() + approvalOutcomeHandlers(),
            jobs: reminderJobs(),
            clock: clock,
            startup: { try service.prepareBoletaNumbers() },
            routes: { router in
                service.addPatRoutes(to: &router)
                service.addRecordingRoutes(to: &router)
                service.addSigningRoutes(to: &router)
                service.addReportRoutes(to: &router)
                service.addPrintRoutes(to: &router)
            })
    }
}
