import Foundation
import Shared

/// Sends the pending messages over SMTP, each once however many instances run.
///
/// An attempt is claimed first: in a short transaction that takes the due message's row
/// (`FOR UPDATE SKIP LOCKED`), the message becomes `sending` with an attempt id of its own and a
/// lease (`MAIL_SENDING_LEASE_MS`, longer than the SMTP time-out that bounds an attempt), and that
/// commits before the SMTP transaction starts. The outcome is then recorded for that attempt only.
/// A 4xx reply, a connection failure or a time-out make it pending again, due after a delay that
/// doubles at each attempt; a 5xx reply fails it for good, with the reply kept for vendor support.
///
/// No SMTP server takes part in a database transaction: if the process stops after the server
/// accepted the message and before `sent` is recorded, the message is found still `sending` once
/// its lease passed. It is then sent again, with the same `Message-ID`, and the interrupted attempt
/// is counted on the message, in `mail_interrupted_attempts_total` and in a warning, since the
/// recipient may get it twice. The part wakes on the notification a new message sends, and polls
/// as a fallback and for messages that fall due.
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
        guard let claimed = try claimNext() else { return false }
        try deliver(claimed)
        return true
    }

    /// Claims the message due first, or one whose attempt was interrupted, for a new attempt, and
    /// commits the claim; `nil` when none is due.
    private func claimNext() throws -> ClaimedMessage? {
        try pool.withConnection { connection in
            try connection.withTransaction { connection in
                let rows = try connection.query(
                    """
                    SELECT id, state, template, recipient_email, recipient_name, subject, text_body, html_body, secret,
                        rfc_message_id, attempts, created_at
                    FROM message WHERE state IN ('pending', 'sending') AND next_attempt_at <= clock_timestamp()
                    ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
                    """)
                guard let row = rows.first else { return nil }
                var claimed = try ClaimedMessage(row)
                claimed.wasInterrupted = try row.decode(String.self, "state") == MessageState.sending.rawValue
                _ = try connection.execute(
                    """
                    UPDATE message SET state = 'sending', attempt_id = $2, attempts = attempts + 1,
                        next_attempt_at = clock_timestamp() + make_interval(secs => $3),
                        interrupted_attempts = interrupted_attempts + $4
                    WHERE id = $1
                    """, claimed.id, claimed.attemptID, Double(configuration.sendingLease.wholeMilliseconds) / 1000,
                    claimed.wasInterrupted ? 1 : 0)
                claimed.attempts += 1
                return claimed
            }
        }
    }

    private func deliver(_ claimed: ClaimedMessage) throws {
        var metadata = ["mail.id": "\(claimed.id)", "mail.template": claimed.template]
        if claimed.wasInterrupted {
            metrics.interrupted.increment()
            metadata["mail.messageId"] = claimed.messageID
            logger.warning(
                "An attempt to send this message was interrupted and may have reached the SMTP server; "
                    + "sending it again with the same Message-ID, so the recipient may get it twice",
                metadata: metadata)
        }
        let message = MimeMessage(
            from: configuration.sender, to: MailAddress(name: claimed.recipientName, email: claimed.recipientEmail),
            subject: claimed.subject, date: claimed.createdAt, messageID: claimed.messageID, text: claimed.text,
            html: claimed.html)
        do {
            try client.send(
                from: configuration.sender.email, to: [claimed.recipientEmail], message: message.rendered())
        } catch {
            try record(error, of: claimed, metadata: metadata)
            return
        }
        do {
            try recordOutcome(
                of: claimed,
                """
                UPDATE message SET state = 'sent', sent_at = clock_timestamp(), last_error = NULL, text_body = $3,
                    html_body = $4, secret = NULL
                WHERE id = $1 AND attempt_id = $2 AND state = 'sending'
                """, claimed.maskedText, claimed.maskedHTML, metadata: metadata)
        } catch {
            metadata["error"] = "\(error)"
            logger.error(
                "Message accepted by the SMTP server but not recorded as sent; it will be sent again once its "
                    + "lease passes", metadata: metadata)
            throw error
        }
        metrics.sent.increment()
        logger.debug("Message delivered", metadata: metadata)
    }

    private func record(_ error: SMTPError, of claimed: ClaimedMessage, metadata: [String: String]) throws {
        let reason = error.reply.isEmpty ? error.curlMessage : error.reply
        var metadata = metadata
        metadata["smtp.replyCode"] = "\(error.replyCode)"
        metadata["smtp.reply"] = reason
        if error.isPermanent {
            try recordOutcome(
                of: claimed,
                """
                UPDATE message SET state = 'failed', failed_at = clock_timestamp(), last_error = $3
                WHERE id = $1 AND attempt_id = $2 AND state = 'sending'
                """, reason, metadata: metadata)
            metrics.failed.increment()
            logger.warning("Message refused by the SMTP server; it will not be retried", metadata: metadata)
            return
        }
        let delay = configuration.retryDelay(afterAttempts: claimed.attempts)
        try recordOutcome(
            of: claimed,
            """
            UPDATE message SET state = 'pending', last_error = $3,
                next_attempt_at = clock_timestamp() + make_interval(secs => $4)
            WHERE id = $1 AND attempt_id = $2 AND state = 'sending'
            """, reason, Double(delay.wholeMilliseconds) / 1000, metadata: metadata)
        metrics.deferred.increment()
        metadata["retry.delayMs"] = "\(delay.wholeMilliseconds)"
        logger.notice("Message not delivered; will retry", metadata: metadata)
    }

    /// Runs `sql` with the message's id, the attempt's id and `parameters`, for the attempt still
    /// claimed; warns when the lease passed and another attempt took the message over.
    private func recordOutcome(
        of claimed: ClaimedMessage, _ sql: String, _ parameters: (any PostgresEncodable)?...,
        metadata: [String: String]
    ) throws {
        let updated = try pool.withConnection {
            try $0.execute(sql, parameters: [claimed.id, claimed.attemptID] + parameters)
        }
        if updated == 0 {
            logger.warning(
                "The attempt outlived its lease and another took the message over; raise MAIL_SENDING_LEASE_MS",
                metadata: metadata)
        }
    }
}

/// A message claimed for an attempt.
private struct ClaimedMessage {
    static let mask = "********"

    /// The attempt's own id; its outcome is recorded only while the message is still claimed by it.
    let attemptID = UUID()
    /// Whether the message was found still sending, its last attempt interrupted.
    var wasInterrupted = false
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
    let interrupted: Counter

    init(registry: MetricsRegistry) {
        sent = registry.counter("mail_messages_sent_total", help: "Messages the SMTP server accepted.")
        failed = registry.counter(
            "mail_messages_failed_total", help: "Messages the SMTP server refused for good (5xx).")
        deferred = registry.counter(
            "mail_delivery_retries_total",
            help: "Attempts that failed for now (4xx, no connection) and will be retried.")
        interrupted = registry.counter(
            "mail_interrupted_attempts_total",
            help: "Attempts found unfinished after their lease: sent again, so the message may have arrived twice.")
    }
}
