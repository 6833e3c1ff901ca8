import Foundation
import Shared

/// A message to write: what a template made for one recipient of one event.
struct OutgoingMail: Sendable, Equatable {
    var template: MailTemplate
    var recipient: MailRecipient
    var subject: String
    var body: MailBody
    /// A secret the body carries (an initial password), masked in the stored copy once delivered.
    var secret: String?
}

/// Someone a message goes to.
struct MailRecipient: Sendable, Equatable {
    /// The user, when the recipient is one Mail knows.
    var userID: UUID?
    var name: String
    var email: String
}

/// Where a message stands.
enum MessageState: String, Codable, Sendable, CaseIterable {
    /// Waiting for its first or next attempt; a signature request waits its grace period first.
    case pending
    /// An attempt is on its way; one still sending once its lease passed was interrupted.
    case sending
    /// Taken by the SMTP server.
    case sent
    /// Refused for good by the SMTP server (a 5xx reply); vendor support may send it again.
    case failed
    /// Never sent, and never to be: a signature request whose boleta was signed, deleted or
    /// cancelled first, or that a changed boleta replaced.
    case withdrawn
}

/// A stored message as vendor support sees it: everything but the bodies.
struct StoredMessage: Codable, Sendable, Equatable {
    var id: Int64
    var eventId: UUID
    var eventType: String
    var template: String
    var recipientUserId: UUID?
    var recipientEmail: String
    var recipientName: String
    var subject: String
    var messageId: String
    var state: MessageState
    var attempts: Int
    /// When a pending message is due (for a signature request not yet tried, the end of its grace
    /// period), or when the lease of an attempt on its way ends.
    var nextAttemptAt: Date?
    /// The SMTP server's reply, or why no server answered, at the last failed attempt.
    var lastError: String?
    /// Attempts that ended without an outcome (the process stopped while sending): each may have
    /// reached the recipient, so the message may have arrived more than once, with the same Message-ID.
    var interruptedAttempts: Int
    /// The boleta a signature request asks to sign.
    var boletaNumber: Int64?
    /// Why a withdrawn message was never sent.
    var withdrawnReason: String?
    var createdAt: Date
    var sentAt: Date?
    var failedAt: Date?
    var withdrawnAt: Date?
}

/// What narrows the list of messages.
struct MessageFilter: Sendable {
    var state: MessageState?
    /// The recipient's e-mail address, compared without regard to case.
    var recipient: String?
    var eventType: String?
    var eventID: UUID?
    var boletaNumber: Int64?
}

/// Mail's table of messages: written by the event handlers, read and updated by delivery and by
/// vendor support.
enum MessageStore {
    /// The channel a new or resent message is announced on, so that the delivery part wakes.
    static func channel(schema: String) -> String { "\(schema)_mail_pending" }

    private static let summaryColumns = """
        id, event_id, event_type, template, recipient_user_id, recipient_email, recipient_name, subject,
        rfc_message_id, state, attempts, next_attempt_at, last_error, interrupted_attempts, boleta_number,
        withdrawn_reason, created_at, sent_at, failed_at, withdrawn_at
        """

    /// Stores `mail`, made for event `eventID`, unless a message with the same event, template and
    /// recipient is stored already; its id when it was new, `nil` when it was not.
    ///
    /// The message is due at once, or once `hold` passed and not before `notBefore`. `boleta` names
    /// the boleta and revision a signature request asks to sign.
    @discardableResult
    static func enqueue(
        _ mail: OutgoingMail, eventID: UUID, eventType: String, senderDomain: String, schema: String,
        hold: Duration = .zero, notBefore: Date? = nil, boleta: (number: Int64, revision: Int)? = nil,
        on connection: PostgresConnection
    ) throws -> Int64? {
        let recipientKey = mail.recipient.userID?.uuidString.lowercased() ?? mail.recipient.email.lowercased()
        let key = "\(eventID.uuidString.lowercased()):\(mail.template.rawValue):\(recipientKey)"
        let messageID = "\(UUID().uuidString.lowercased())@\(senderDomain)"
        let rows = try connection.query(
            """
            INSERT INTO message (message_key, event_id, event_type, template, recipient_user_id, recipient_email,
                recipient_name, subject, text_body, html_body, secret, rfc_message_id, boleta_number,
                boleta_revision, next_attempt_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
                greatest(clock_timestamp() + make_interval(secs => $15::float8), $16::timestamptz))
            ON CONFLICT (message_key) DO NOTHING
            RETURNING id
            """, key, eventID, eventType, mail.template.rawValue, mail.recipient.userID, mail.recipient.email,
            mail.recipient.name, mail.subject, mail.body.text, mail.body.html, mail.secret, messageID, boleta?.number,
            boleta?.revision, Double(hold.wholeMilliseconds) / 1000, notBefore)
        guard let row = rows.first else { return nil }
        try connection.notify(channel(schema: schema))
        return try row.decode(Int64.self, at: 0)
    }

    /// One page of messages, newest first.
    static func list(
        _ filter: MessageFilter, limit: Int, offset: Int, on connection: PostgresConnection
    ) throws -> [StoredMessage] {
        try connection.query(
            """
            SELECT \(summaryColumns) FROM message
            WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR lower(recipient_email) = lower($2))
                AND ($3::text IS NULL OR event_type = $3) AND ($4::uuid IS NULL OR event_id = $4)
                AND ($5::bigint IS NULL OR boleta_number = $5)
            ORDER BY id DESC LIMIT $6 OFFSET $7
            """, filter.state?.rawValue, filter.recipient, filter.eventType, filter.eventID, filter.boletaNumber,
            limit, offset
        ).map(summary)
    }

    /// The message `id`, or `nil`.
    static func find(id: Int64, on connection: PostgresConnection) throws -> StoredMessage? {
        try connection.query("SELECT \(summaryColumns) FROM message WHERE id = $1", id).map(summary).first
    }

    /// Makes the failed message `id` pending again, due now; `nil` when there is no such message,
    /// `false` when it has not failed.
    static func resend(id: Int64, schema: String, on connection: PostgresConnection) throws -> Bool? {
        let rows = try connection.query("SELECT state FROM message WHERE id = $1 FOR UPDATE", id)
        guard let row = rows.first else { return nil }
        guard try row.decode(String.self, "state") == MessageState.failed.rawValue else { return false }
        _ = try connection.execute(
            """
            UPDATE message SET state = 'pending', next_attempt_at = now(), failed_at = NULL, attempts = 0
            WHERE id = $1
            """, id)
        try connection.notify(channel(schema: schema))
        return true
    }

    private static func summary(_ row: PostgresRow) throws -> StoredMessage {
        let state = MessageState(rawValue: try row.decode(String.self, "state")) ?? .pending
        return StoredMessage(
            id: try row.decode(Int64.self, "id"), eventId: try row.decode(UUID.self, "event_id"),
            eventType: try row.decode(String.self, "event_type"), template: try row.decode(String.self, "template"),
            recipientUserId: try row.decode(UUID?.self, "recipient_user_id"),
            recipientEmail: try row.decode(String.self, "recipient_email"),
            recipientName: try row.decode(String.self, "recipient_name"),
            subject: try row.decode(String.self, "subject"), messageId: try row.decode(String.self, "rfc_message_id"),
            state: state, attempts: try row.decode(Int.self, "attempts"),
            nextAttemptAt: state == .pending || state == .sending ? try row.decode(Date.self, "next_attempt_at") : nil,
            lastError: try row.decode(String?.self, "last_error"),
            interruptedAttempts: try row.decode(Int.self, "interrupted_attempts"),
            boletaNumber: try row.decode(Int64?.self, "boleta_number"),
            withdrawnReason: try row.decode(String?.self, "withdrawn_reason"),
            createdAt: try row.decode(Date.self, "created_at"), sentAt: try row.decode(Date?.self, "sent_at"),
            failedAt: try row.decode(Date?.self, "failed_at"), withdrawnAt: try row.decode(Date?.self, "withdrawn_at"))
    }
}
