import Foundation
import Shared

/// Sends the pending messages over SMTP, each at most once however many instances run.
///
/// Each message is sent inside a transaction that holds its row (`FOR UPDATE SKIP LOCKED`), so
/// that another instance skips it while it is on its way, and that its new state commits only
/// after the server answered. A 4xx reply, a connection failure or a time-out leave it pending,
/// due again after a delay that doubles at each attempt; a 5xx reply fails it for good, with the
/// reply kept for vendor support. The part wakes on the notification a new message sends, and
/// polls as a fallback and for retries that fall due.
final class MailDelivery: ServicePart {
    let name: String
    private let schema: String
    private let pool: PostgresPool
    private let databaseURL: String
    private let configuration: MailConfiguration
    private let client: SMTPClient
    private let metrics: MailMetrics
    private let logger: Logger

    /// A delivery part for the messages of `schema`, read through `pool`, woken by notifications on `databaseURL`.
    init(
        name: String = "mail-delivery", schema: String, pool: PostgresPool, databaseURL: String,
        configuration: MailConfiguration, metrics: MailMetrics, logger: Logger
    ) {
        self.name = name
        self.schema = schema
        self.pool = pool
        self.databaseURL = databaseURL
        self.configuration = configuration
        client = SMTPClient(settings: configuration.smtp)
        self.metrics = metrics
        self.logger = logger.labelled(logger.label + ".delivery")
    }

    func run(until stop: StopSignal) throws {
        let listener = PostgresListener(url: databaseURL, channel: MessageStore.channel(schema: schema), logger: logger)
        while !stop.isStopped {
            do {
                while !stop.isStopped, try deliverNext() {}
            } catch {
                logger.warning(
                    "Mail delivery could not reach the database; will retry", metadata: ["error": "\(error)"])
                stop.sleep(for: configuration.pollInterval)
                continue
            }
            do {
                _ = try listener.waitForNotification(timeout: configuration.pollInterval)
            } catch {
                logger.notice("Mail delivery lost its notification connection", metadata: ["error": "\(error)"])
                stop.sleep(for: configuration.pollInterval)
            }
        }
    }

    /// Sends the message due first, if any, and records the outcome; `false` when none is due.
    func deliverNext() throws -> Bool {
        try pool.withConnection { connection in
            // No retry around this transaction: running it again could send the message twice.
            try connection.withTransaction { connection in
                let rows = try connection.query(
                    """
                    SELECT id, template, recipient_email, recipient_name, subject, text_body, html_body, secret,
                        rfc_message_id, attempts, created_at
                    FROM message WHERE state = 'pending' AND next_attempt_at <= clock_timestamp()
                    ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
                    """)
                guard let row = rows.first else { return false }
                try deliver(PendingMessage(row), on: connection)
                return true
            }
        }
    }

    private func deliver(_ pending: PendingMessage, on connection: PostgresConnection) throws {
        let metadata = ["mail.id": "\(pending.id)", "mail.template": pending.template]
        let message = MimeMessage(
            from: configuration.sender, to: MailAddress(name: pending.recipientName, email: pending.recipientEmail),
            subject: pending.subject, date: pending.createdAt, messageID: pending.messageID, text: pending.text,
            html: pending.html)
        do {
            try client.send(
                from: configuration.sender.email, to: [pending.recipientEmail], message: message.rendered())
        } catch {
            try record(error, of: pending, metadata: metadata, on: connection)
            return
        }
        _ = try connection.execute(
            """
            UPDATE message SET state = 'sent', sent_at = clock_timestamp(), attempts = attempts + 1, last_error = NULL,
                text_body = $2, html_body = $3, secret = NULL
            WHERE id = $1
            """, pending.id, pending.maskedText, pending.maskedHTML)
        metrics.sent.increment()
        logger.debug("Message delivered", metadata: metadata)
    }

    private func record(
        _ error: SMTPError, of pending: PendingMessage, metadata: [String: String], on connection: PostgresConnection
    ) throws {
        let reason = error.reply.isEmpty ? error.curlMessage : error.reply
        var metadata = metadata
        metadata["smtp.replyCode"] = "\(error.replyCode)"
        metadata["smtp.reply"] = reason
        if error.isPermanent {
            _ = try connection.execute(
                """
                UPDATE message SET state = 'failed', failed_at = clock_timestamp(), attempts = attempts + 1,
                    last_error = $2
                WHERE id = $1
                """, pending.id, reason)
            metrics.failed.increment()
            logger.warning("Message refused by the SMTP server; it will not be retried", metadata: metadata)
            return
        }
        let delay = configuration.retryDelay(afterAttempts: pending.attempts + 1)
        _ = try connection.execute(
            """
            UPDATE message SET attempts = attempts + 1, last_error = $2,
                next_attempt_at = clock_timestamp() + make_interval(secs => $3)
            WHERE id = $1
            """, pending.id, reason, Double(delay.wholeMilliseconds) / 1000)
        metrics.deferred.increment()
        metadata["retry.delayMs"] = "\(delay.wholeMilliseconds)"
        logger.notice("Message not delivered; will retry", metadata: metadata)
    }
}

/// A message claimed for delivery.
private struct PendingMessage {
    static let mask = "********"

    var id: Int64
    var template: String
    var recipientEmail: String
    var recipientName: String
    var subject: String
    var text: String
    var html: String
    var secret: String?
    var messageID: String
    var attempts: Int
    var createdAt: Date

    init(_ row: PostgresRow) throws {
        id = try row.decode(Int64.self, "id")
        template = try row.decode(String.self, "template")
        recipientEmail = try row.decode(String.self, "recipient_email")
        recipientName = try row.decode(String.self, "recipient_name")
        subject = try row.decode(String.self, "subject")
        text = try row.decode(String.self, "text_body")
        html = try row.decode(String.self, "html_body")
        secret = try row.decode(String?.self, "secret")
        messageID = try row.decode(String.self, "rfc_message_id")
        attempts = try row.decode(Int.self, "attempts")
        createdAt = try row.decode(Date.self, "created_at")
    }

    /// The text body as it is kept once delivered: the secret masked.
    var maskedText: String {
        guard let secret, !secret.isEmpty else { return text }
        return text.replacingOccurrences(of: secret, with: Self.mask)
    }

    /// The HTML body as it is kept once delivered: the secret, as the HTML writes it, masked.
    var maskedHTML: String {
        guard let secret, !secret.isEmpty else { return html }
        return html.replacingOccurrences(of: MailBody.escapeHTML(secret), with: Self.mask)
    }
}

/// Counts of what delivery did, on `/metrics`.
struct MailMetrics: Sendable {
    let sent: Counter
    let failed: Counter
    let deferred: Counter

    init(registry: MetricsRegistry) {
        sent = registry.counter("mail_messages_sent_total", help: "Messages the SMTP server accepted.")
        failed = registry.counter(
            "mail_messages_failed_total", help: "Messages the SMTP server refused for good (5xx).")
        deferred = registry.counter(
            "mail_delivery_retries_total",
            help: "Attempts that failed for now (4xx, no connection) and will be retried.")
    }
}
