import Foundation
import Shared

extension BoletaService {
    /// The handlers of the PAT events other systems publish (R13), bound on the PAT exchange.
    ///
    /// An event that cannot be understood is parked at once with a reason naming the field at
    /// fault (R14); events of one PAT may come twice or out of order, and the highest revision wins.
    func patHandlers() -> [EventHandler] {
        let exchange = context.configuration.patExchange
        return [
            .on(PatOpened.self, exchange: exchange) { envelope, connection in
                try PatIntake.record(envelope, kind: .opened, on: connection)
            },
            .on(PatUpdated.self, exchange: exchange) { envelope, connection in
                try PatIntake.record(envelope, kind: .updated, on: connection)
            },
            .on(PatClosed.self, exchange: exchange) { envelope, connection in
                try PatIntake.record(envelope, kind: .closed, on: connection)
            },
        ]
    }
}

/// Validates PAT events and keeps the newest revision of each PAT in the `pat` table.
enum PatIntake {
    /// Which of the three events arrived.
    enum Kind: Sendable {
        case opened, updated, closed
    }

    /// Records `envelope`'s PAT if it is newer than the one kept.
    ///
    /// - Throws: ``EventRejection`` naming the field at fault when the PAT is not acceptable.
    static func record<Event: PatEvent>(
        _ envelope: EventEnvelope<Event>, kind: Kind, on connection: PostgresConnection
    ) throws {
        let pat = envelope.data.pat
        try validate(pat, envelopeClientCode: envelope.clientCode)
        let contact = try DirectoryCopy.user(clientCode: pat.clientCode, code: pat.contact.code, on: connection)
        let attachments = String(decoding: try EventCoding.encoder().encode(pat.attachments), as: UTF8.self)
        let isClosed = kind == .closed || pat.status == "closed"
        // The WHERE of the update keeps the stored PAT when it is as new as the incoming one or newer.
        _ = try connection.execute(
            """
            INSERT INTO pat (number, client_code, contact_code, contact_user_id, nature, system, version, priority,
                function, description, attachments, status, revision, opened_at, closed_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14, $15, $16)
            ON CONFLICT (number) DO UPDATE SET client_code = EXCLUDED.client_code,
                contact_code = EXCLUDED.contact_code, contact_user_id = EXCLUDED.contact_user_id,
                nature = EXCLUDED.nature, system = EXCLUDED.system, version = EXCLUDED.version,
                priority = EXCLUDED.priority, function = EXCLUDED.function, description = EXCLUDED.description,
                attachments = EXCLUDED.attachments, status = EXCLUDED.status, revision = EXCLUDED.revision,
                opened_at = COALESCE(pat.opened_at, EXCLUDED.opened_at), closed_at = EXCLUDED.closed_at,
                updated_at = EXCLUDED.updated_at
            WHERE pat.revision < EXCLUDED.revision
            """, pat.number, pat.clientCode, pat.contact.code, contact?.id, pat.nature, pat.system, pat.version,
            pat.priority, pat.function, pat.description, attachments, pat.status, pat.revision,
            kind == .opened ? pat.updatedAt : nil, isClosed ? pat.updatedAt : nil, pat.updatedAt)
        if kind == .opened {
            // An opening that arrives after a later revision still says when the PAT was opened.
            _ = try connection.execute(
                "UPDATE pat SET opened_at = $2 WHERE number = $1 AND opened_at IS NULL", pat.number, pat.updatedAt)
        }
    }

    /// Checks what decoding cannot: required text present, a positive revision, a consistent client.
    static func validate(_ pat: PatDetails, envelopeClientCode: String?) throws {
        let required: [(String, String)] = [
            ("number", pat.number), ("clientCode", pat.clientCode), ("contact.code", pat.contact.code),
            ("nature", pat.nature), ("system", pat.system), ("priority", pat.priority),
            ("description", pat.description), ("status", pat.status),
        ]
        for (field, value) in required where value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw EventRejection("field data.\(field) is empty")
        }
        guard pat.revision >= 1 else {
            throw EventRejection("field data.revision is \(pat.revision), less than 1")
        }
        for (index, attachment) in pat.attachments.enumerated() {
            if attachment.name.isEmpty { throw EventRejection("field data.attachments[\(index)].name is empty") }
            if attachment.url.isEmpty { throw EventRejection("field data.attachments[\(index)].url is empty") }
            if let size = attachment.size, size < 0 {
                throw EventRejection("field data.attachments[\(index)].size is negative")
            }
        }
        if let envelopeClientCode, envelopeClientCode != pat.clientCode {
            throw EventRejection("field clientCode is \(envelopeClientCode), not data.clientCode \(pat.clientCode)")
        }
    }
}
