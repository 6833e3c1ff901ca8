import Foundation
import Shared

/// An event whose message has nobody to go to yet: it is retried, and parked with this reason.
struct NoRecipient: Error, CustomStringConvertible {
    var description: String
}

extension MailService {
    /// Writes the welcome with the initial password that Identity sealed to Mail's key (R9).
    ///
    /// A user registered without an initial password (none sealed) gets no welcome.
    func welcome<Event>(
        _ envelope: EventEnvelope<Event>, user: UserSummary, sealed: String?, expiresAt: Date?, isReissue: Bool,
        on connection: PostgresConnection
    ) throws {
        guard let sealed else { return }
        guard let keys = configuration.sealKeys else {
            throw NoRecipient(description: "no MAIL_SEAL_SECRET_KEY is set to open the initial password with")
        }
        let password: String
        do {
            let bytes = try SealedBox.open(try Sodium.base64URLDecode(sealed), with: keys)
            password = String(decoding: bytes, as: UTF8.self)
        } catch {
            throw EventRejection("field data.sealedInitialPassword cannot be opened with Mail's key: \(error)")
        }
        try store(
            MailTemplates.welcome(
                to: MailRecipient(userID: user.userId, name: user.name, email: user.email), password: password,
                expiresAt: expiresAt, timeZone: try timeZone(of: user.clientCode, on: connection),
                isReissue: isReissue),
            for: envelope, on: connection)
    }

    /// Writes the list of users about to be inactivated to each manager the event names, or to
    /// vendor support when it names none (R11).
    func inactivationWarning(
        _ envelope: EventEnvelope<InactivationWarningDue>, on connection: PostgresConnection
    ) throws {
        let warning = envelope.data
        guard !warning.users.isEmpty else { return }
        var recipients = try warning.recipients.map { try MailUsers.require($0, as: "the manager", on: connection) }
            .filter { !$0.isDeleted }
        let toSupport = recipients.isEmpty
        if toSupport {
            recipients = try DirectoryCopy.staff(.support, on: connection)
            guard !recipients.isEmpty else {
                throw NoRecipient(
                    description: "client \(warning.clientCode) has no manager and Mail knows no support user")
            }
        }
        for recipient in recipients {
            try store(
                MailTemplates.inactivationWarning(
                    to: recipient.recipient, clientCode: warning.clientCode, clientName: warning.clientName,
                    users: warning.users, toSupport: toSupport),
                for: envelope, on: connection)
        }
    }

    /// Writes a new divergence to every vendor management user (R28).
    func divergenceRaised(_ envelope: EventEnvelope<DivergenceRaised>, on connection: PostgresConnection) throws {
        let divergence = envelope.data
        let managers = try DirectoryCopy.staff(.management, on: connection)
        guard !managers.isEmpty else {
            throw NoRecipient(description: "Mail knows no vendor management user to tell of the divergence")
        }
        let raisedBy = try MailUsers.require(divergence.raisedByUserId, as: "the user who raised it", on: connection)
        let boleta = try mention(divergence.boleta, on: connection)
        let client = try DirectoryCopy.client(divergence.boleta.clientCode, on: connection)
        let timeZone = try timeZone(of: divergence.boleta.clientCode, on: connection)
        for manager in managers {
            try store(
                MailTemplates.divergenceRaised(
                    to: manager.recipient, divergence: divergence, boleta: boleta,
                    clientName: client?.name ?? divergence.boleta.clientCode, raisedByName: raisedBy.name,
                    timeZone: timeZone),
                for: envelope, on: connection)
        }
    }
}
