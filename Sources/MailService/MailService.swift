import Foundation
import Shared

/// Mail: every outgoing e-mail. It keeps its own directory of Identity's users and clients, writes
/// each message once from the event that asks for it, and delivers it over SMTP.
///
/// The parts are in extensions and folders: `Directory/` (the users and clients, from Identity's
/// events), `Composing/` (the templates and the MIME form), `Messages/` (the event handlers and
/// the table of messages), `Delivery/` (SMTP delivery with retries) and `Operator/` (vendor
/// support's view of the messages).
struct MailService: Sendable {
    let context: ServiceContext
    let configuration: MailConfiguration

    init(context: ServiceContext, configuration: MailConfiguration) {
        self.context = context
        self.configuration = configuration
    }

    var pool: PostgresPool { context.pool }
    var logger: Logger { context.logger }
    var schema: String { context.configuration.name }

    /// What Mail adds to the platform.
    func components() -> ServiceComponents {
        let service = self
        let metrics = MailMetrics(registry: context.metrics)
        let pool = pool
        context.metrics.gauge("mail_messages_pending", help: "Messages waiting for their first or next attempt.") {
            Double(
                (try? pool.withConnection {
                    try $0.query("SELECT count(*) FROM message WHERE state = 'pending'")[0].decode(Int64.self, at: 0)
                }) ?? -1)
        }
        return ServiceComponents(
            migrations: MailMigrations.all,
            handlers: EventHandler.merging(directoryHandlers(), messageHandlers()),
            parts: [delivery(metrics: metrics)],
            routes: { router in service.addMessageRoutes(to: &router) })
    }

    /// A delivery part; tests make more than one to run as several instances would.
    func delivery(name: String = "mail-delivery", metrics: MailMetrics) -> MailDelivery {
        MailDelivery(
            name: name, schema: schema, pool: pool, databaseURL: context.configuration.databaseURL,
            configuration: configuration, metrics: metrics, logger: logger)
    }
}
