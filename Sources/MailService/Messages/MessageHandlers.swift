import Foundation
import Shared

extension MailService {
    /// The handlers that write messages, each in the transaction that records its event in the
    /// inbox: a redelivered event is dropped by the inbox, and a message already stored for the
    /// same event, template and recipient is never stored twice.
    ///
    /// A boleta's signature request waits a grace period before it goes; a deleted or cancelled
    /// boleta asks for no e-mail, but withdraws a request still waiting, as a signature does (R24).
    func messageHandlers() -> [EventHandler] {
        let service = self
        return [
            .on(UserRegistered.self) { envelope, connection in
                try service.welcome(
                    envelope, user: envelope.data.user, sealed: envelope.data.sealedInitialPassword,
                    expiresAt: envelope.data.initialPasswordExpiresAt, isReissue: false, on: connection)
            },
            .on(InitialPasswordIssued.self) { envelope, connection in
                try service.welcome(
                    envelope, user: envelope.data.user, sealed: envelope.data.sealedInitialPassword,
                    expiresAt: envelope.data.initialPasswordExpiresAt, isReissue: true, on: connection)
            },
            .on(PasswordChanged.self) { envelope, connection in
                let user = try MailUsers.require(envelope.data.userId, as: "the user", on: connection)
                guard !user.isDeleted else { return }
                try service.store(
                    MailTemplates.passwordChanged(
                        to: user.recipient, changedAt: envelope.data.changedAt,
                        timeZone: try service.timeZone(of: user.clientCode, on: connection)),
                    for: envelope, on: connection)
            },
            .on(InactivationWarningDue.self) { envelope, connection in
                try service.inactivationWarning(envelope, on: connection)
            },
            .on(BoletaRecorded.self) { envelope, connection in
                try service.requestSignature(of: envelope.data.boleta, for: envelope, on: connection)
            },
            .on(BoletaChanged.self) { envelope, connection in
                try service.requestSignature(of: envelope.data.boleta, for: envelope, on: connection)
            },
            .on(BoletaSigned.self) { envelope, connection in
                let signed = envelope.data
                try service.settle(signed.number, reason: "the boleta was signed", on: connection)
                let signer = try MailUsers.require(signed.signerUserId, as: "the signer", on: connection)
                guard !signer.isDeleted else { return }
                let boleta = try service.mention(
                    number: signed.number, workDate: signed.workDate, technician: signed.technicianUserId,
                    service: nil, pat: nil, nature: signed.nature, amount: signed.amount, on: connection)
                try service.store(
                    MailTemplates.signatureConfirmation(
                        to: signer.recipient, boleta: boleta, signed: signed,
                        timeZone: try service.timeZone(of: signed.clientCode, on: connection)),
                    for: envelope, on: connection)
            },
            .on(BoletaDeleted.self) { envelope, connection in
                try service.settle(envelope.data.number, reason: "the boleta was deleted", on: connection)
            },
            .on(BoletaCancelled.self) { envelope, connection in
                try service.settle(envelope.data.number, reason: "the boleta was cancelled", on: connection)
            },
            .on(ApprovalRequested.self) { envelope, connection in
                let request = envelope.data
                let subject = request.boleta
                let approver = try MailUsers.require(subject.approverUserId, as: "the approver", on: connection)
                guard !approver.isDeleted else { return }
                let signer = try MailUsers.require(request.signerUserId, as: "the signer", on: connection)
                let contact = try MailUsers.require(subject.contactUserId, as: "the boleta's contact", on: connection)
                let boleta = try service.mention(subject, on: connection)
                try service.store(
                    MailTemplates.approvalRequest(
                        to: approver.recipient, boleta: boleta, signerName: signer.name, contactName: contact.name,
                        signedAt: request.signedAt,
                        timeZone: try service.timeZone(of: subject.clientCode, on: connection)
                    ),
                    for: envelope, on: connection)
            },
            .on(DivergenceRaised.self) { envelope, connection in
                try service.divergenceRaised(envelope, on: connection)
            },
            .on(SignatureRemindersDue.self) { envelope, connection in
                let reminder = envelope.data
                guard !reminder.boletas.isEmpty else { return }
                let user = try MailUsers.require(reminder.userId, as: "the contact", on: connection)
                guard !user.isDeleted else { return }
                try service.store(
                    MailTemplates.signatureReminder(to: user.recipient, reminder: reminder), for: envelope,
                    on: connection)
            },
            .on(ApprovalRemindersDue.self) { envelope, connection in
                let reminder = envelope.data
                guard !reminder.boletas.isEmpty else { return }
                let user = try MailUsers.require(reminder.approverUserId, as: "the approver", on: connection)
                guard !user.isDeleted else { return }
                try service.store(
                    MailTemplates.approvalReminder(to: user.recipient, reminder: reminder), for: envelope,
                    on: connection)
            },
        ]
    }

    /// Stores `mail` for the event in `envelope`, unless it is stored already; the new message's id.
    ///
    /// The message is due at once, or after `hold` and not before `notBefore`; `boleta` names the
    /// boleta and revision of a signature request.
    @discardableResult
    func store<Event>(
        _ mail: OutgoingMail, for envelope: EventEnvelope<Event>, hold: Duration = .zero, notBefore: Date? = nil,
        boleta: (number: Int64, revision: Int)? = nil, on connection: PostgresConnection
    ) throws -> Int64? {
        let domain = configuration.sender.email.split(separator: "@").last.map(String.init) ?? "localhost"
        let id = try MessageStore.enqueue(
            mail, eventID: envelope.id, eventType: envelope.type, senderDomain: domain, schema: schema, hold: hold,
            notBefore: notBefore, boleta: boleta, on: connection)
        var metadata = ["event.id": envelope.id.uuidString, "mail.template": mail.template.rawValue]
        if let id { metadata["mail.id"] = "\(id)" }
        logger.debug(id == nil ? "Message already stored" : "Message stored", metadata: metadata)
        return id
    }

    /// The time zone of client `code`'s dates; Mail's default for vendor staff and unknown clients.
    func timeZone(of clientCode: String?, on connection: PostgresConnection) throws -> TimeZone {
        guard let clientCode, let client = try DirectoryCopy.client(clientCode, on: connection) else {
            return configuration.defaultTimeZone
        }
        return TimeZone(identifier: client.timeZone) ?? configuration.defaultTimeZone
    }

    /// A boleta as a message names it, with its technician's name looked up.
    func mention(
        number: Int64, workDate: String, technician: UUID, service: String?, pat: String?, nature: BoletaNature,
        amount: String, on connection: PostgresConnection
    ) throws -> BoletaMention {
        let technicianUser = try MailUsers.require(technician, as: "the technician", on: connection)
        return BoletaMention(
            number: number, workDate: workDate, technicianName: technicianUser.name,
            serviceDescription: service ?? "", patNumber: pat, nature: nature, amount: amount)
    }

    /// The boleta an approval event is about, as a message names it.
    func mention(_ subject: ApprovalSubject, on connection: PostgresConnection) throws -> BoletaMention {
        try mention(
            number: subject.number, workDate: subject.workDate, technician: subject.technicianUserId,
            service: subject.serviceDescription, pat: subject.patNumber, nature: subject.nature,
            amount: subject.amount, on: connection)
    }
}
