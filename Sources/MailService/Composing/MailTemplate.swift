import Foundation
import Shared

/// The kinds of message Mail writes; the raw value is stored with each message.
enum MailTemplate: String, Codable, Sendable, CaseIterable {
    /// The initial password of a new user, or a new one (R9).
    case welcome
    /// The users of a client about to be inactivated, to its managers or vendor support (R11).
    case inactivationWarning = "inactivation-warning"
    /// A boleta recorded without signature, to its contact (R24).
    case signatureRequest = "signature-request"
    /// The confirmation of a signature, to the signer (R23).
    case signatureConfirmation = "signature-confirmation"
    /// A decision asked of the financial approver (R26).
    case approvalRequest = "approval-request"
    /// The daily list of boletas still unsigned (R32).
    case signatureReminder = "signature-reminder"
    /// The daily list of decisions still pending (R32).
    case approvalReminder = "approval-reminder"
    /// A new divergence, to vendor management (R28).
    case divergenceRaised = "divergence-raised"
    /// A notice that the password changed.
    case passwordChanged = "password-changed"
}

/// A boleta as a message names it: its facts with the people's names looked up.
struct BoletaMention: Sendable, Equatable {
    var number: Int64
    /// The day of the work, `YYYY-MM-DD`.
    var workDate: String
    var technicianName: String
    var serviceDescription: String
    var patNumber: String?
    var nature: BoletaNature
    var amount: String

    /// The facts every message about one boleta lists.
    var facts: [(label: String, value: String)] {
        var facts: [(label: String, value: String)] = [
            ("Boleta", "nº \(number)"), ("Data do atendimento", MailFormat.day(workDate)),
            ("Técnico", technicianName),
        ]
        if !serviceDescription.isEmpty { facts.append(("Serviço", serviceDescription)) }
        if let patNumber, !patNumber.isEmpty { facts.append(("PAT", patNumber)) }
        facts.append(("Natureza", MailFormat.nature(nature)))
        if nature != .notBilled { facts.append(("Valor", MailFormat.money(amount))) }
        return facts
    }
}

/// The messages, in Brazilian Portuguese; each function writes one for one recipient.
enum MailTemplates {
    /// The welcome with the initial password (R9); `isReissue` for a new password of a known user.
    static func welcome(
        to recipient: MailRecipient, password: String, expiresAt: Date?, timeZone: TimeZone, isReissue: Bool
    ) -> OutgoingMail {
        var facts: [(label: String, value: String)] = [
            ("E-mail de acesso", recipient.email), ("Senha inicial", password),
        ]
        if let expiresAt { facts.append(("Válida até", MailFormat.moment(expiresAt, in: timeZone))) }
        let opening =
            isReissue
            ? "Uma nova senha inicial foi gerada para o seu acesso ao portal de suporte."
            : "Seu acesso ao portal de suporte foi criado."
        return OutgoingMail(
            template: .welcome, recipient: recipient,
            subject: isReissue ? "Nova senha inicial do portal de suporte" : "Bem-vindo(a) ao portal de suporte",
            body: MailBody(
                recipientName: recipient.name,
                blocks: [
                    .paragraph(opening), .facts(facts),
                    .paragraph(
                        "A senha inicial vale para um único acesso e até a data acima. No primeiro acesso, você "
                            + "deverá escolher a sua própria senha antes de usar o portal."),
                ]),
            secret: password)
    }

    /// The list of a client's users about to be inactivated (R11); `toSupport` when the client has
    /// no active manager and vendor support is told instead.
    static func inactivationWarning(
        to recipient: MailRecipient, clientCode: String, clientName: String,
        users: [InactivationWarningDue.Entry], toSupport: Bool
    ) -> OutgoingMail {
        let sorted = users.sorted { ($0.activeUntil, $0.name) < ($1.activeUntil, $1.name) }
        var blocks: [MailBody.Block] = [
            .paragraph(
                "Os usuários abaixo, do cliente \(clientName) (\(clientCode)), serão inativados nas datas "
                    + "indicadas, a menos que sejam reativados."),
            .table(
                header: ["Código", "Nome", "Ativo até"],
                rows: sorted.map { [$0.code, $0.name, MailFormat.day($0.activeUntil)] }),
            .paragraph(
                "Para mantê-los ativos, reative-os no portal, em Ativação de Usuários; cada reativação estende o "
                    + "acesso por mais um ciclo."),
        ]
        if toSupport {
            blocks.insert(
                .paragraph("O cliente não tem gestor ativo; por isso este aviso foi enviado ao suporte."), at: 1)
        }
        let first = sorted.first.map { " a partir de \(MailFormat.day($0.activeUntil))" } ?? ""
        return OutgoingMail(
            template: .inactivationWarning, recipient: recipient,
            subject: "Ativação de usuários: usuários de \(clientName) serão inativados\(first)",
            body: MailBody(recipientName: recipient.name, blocks: blocks))
    }

    /// The request to sign a boleta recorded without signature (R24).
    static func signatureRequest(
        to recipient: MailRecipient, boleta: BoletaMention, replacesNumber: Int64?
    ) -> OutgoingMail {
        var blocks: [MailBody.Block] = [
            .paragraph(
                "O técnico \(boleta.technicianName) registrou a boleta de atendimento técnico nº \(boleta.number), "
                    + "do atendimento realizado em \(MailFormat.day(boleta.workDate)), que aguarda a sua assinatura."),
            .facts(boleta.facts),
            .paragraph(
                "Para assinar, acesse o portal e abra a lista de boletas a assinar; a assinatura é confirmada com a "
                    + "sua senha."),
        ]
        if let replacesNumber {
            blocks.insert(.paragraph("Esta boleta substitui a boleta nº \(replacesNumber), que foi cancelada."), at: 1)
        }
        return OutgoingMail(
            template: .signatureRequest, recipient: recipient,
            subject: "Assinatura pendente: boleta de atendimento técnico nº \(boleta.number)",
            body: MailBody(recipientName: recipient.name, blocks: blocks))
    }

    /// The confirmation of a signature, to the signer (R23).
    static func signatureConfirmation(
        to recipient: MailRecipient, boleta: BoletaMention, signed: BoletaSigned, timeZone: TimeZone
    ) -> OutgoingMail {
        var facts = boleta.facts
        facts.append(("Assinada em", MailFormat.moment(signed.signedAt, in: timeZone)))
        facts.append(("Concorda com a natureza", signed.agreesWithNature ? "Sim" : "Não"))
        if !signed.observation.isEmpty { facts.append(("Observação", signed.observation)) }
        if let decision = signed.decision {
            facts.append(("Decisão de aprovação", decision == .approve ? "Aprovada" : "Rejeitada"))
        }
        var blocks: [MailBody.Block] = [
            .paragraph(
                "Registramos a sua assinatura da boleta de atendimento técnico nº \(boleta.number), realizada pelo "
                    + "técnico \(boleta.technicianName) em \(MailFormat.day(boleta.workDate))."),
            .facts(facts),
        ]
        if !signed.agreesWithNature || signed.decision == .reject {
            blocks.append(.paragraph("A gerência do fornecedor analisará a divergência e resolverá a natureza."))
        }
        return OutgoingMail(
            template: .signatureConfirmation, recipient: recipient,
            subject: "Assinatura registrada: boleta de atendimento técnico nº \(boleta.number)",
            body: MailBody(recipientName: recipient.name, blocks: blocks))
    }

    /// The request of a decision, to the financial approver (R26).
    static func approvalRequest(
        to recipient: MailRecipient, boleta: BoletaMention, signerName: String, contactName: String,
        signedAt: Date, timeZone: TimeZone
    ) -> OutgoingMail {
        var facts = boleta.facts
        facts.insert(("Contato", contactName), at: 3)
        return OutgoingMail(
            template: .approvalRequest, recipient: recipient,
            subject: "Aprovação pendente: boleta de atendimento técnico nº \(boleta.number)",
            body: MailBody(
                recipientName: recipient.name,
                blocks: [
                    .paragraph(
                        "A boleta de atendimento técnico nº \(boleta.number), do atendimento realizado pelo técnico "
                            + "\(boleta.technicianName) em \(MailFormat.day(boleta.workDate)), foi assinada por "
                            + "\(signerName) em \(MailFormat.moment(signedAt, in: timeZone)) e aguarda a sua "
                            + "decisão de aprovação financeira."),
                    .facts(facts),
                    .paragraph("Para aprovar ou rejeitar, acesse o portal e abra a lista de boletas a aprovar."),
                ]))
    }

    /// The daily list of boletas still unsigned (R32).
    static func signatureReminder(to recipient: MailRecipient, reminder: SignatureRemindersDue) -> OutgoingMail {
        let numbers = reminder.boletas.map(\.number)
        return OutgoingMail(
            template: .signatureReminder, recipient: recipient,
            subject: "Lembrete: boletas aguardando a sua assinatura (\(numberList(numbers)))",
            body: MailBody(
                recipientName: recipient.name,
                blocks: [
                    .paragraph(
                        "Em \(MailFormat.day(reminder.period)), as boletas de atendimento técnico abaixo ainda "
                            + "aguardam a sua assinatura."),
                    .table(
                        header: ["Boleta", "Data", "Técnico", "Natureza", "Serviço"],
                        rows: reminder.boletas.map {
                            [
                                "nº \($0.number)", MailFormat.day($0.workDate), $0.technicianName,
                                MailFormat.nature($0.nature), $0.serviceDescription,
                            ]
                        }),
                    .paragraph(
                        "Acesse o portal e abra a lista de boletas a assinar; você pode assinar várias de uma vez."),
                ]))
    }

    /// The daily list of decisions still pending (R32).
    static func approvalReminder(to recipient: MailRecipient, reminder: ApprovalRemindersDue) -> OutgoingMail {
        let numbers = reminder.boletas.map(\.number)
        return OutgoingMail(
            template: .approvalReminder, recipient: recipient,
            subject: "Lembrete: boletas aguardando a sua aprovação (\(numberList(numbers)))",
            body: MailBody(
                recipientName: recipient.name,
                blocks: [
                    .paragraph(
                        "Em \(MailFormat.day(reminder.period)), as boletas de atendimento técnico abaixo ainda "
                            + "aguardam a sua decisão de aprovação financeira."),
                    .table(
                        header: ["Boleta", "Data", "Técnico", "Natureza", "Valor", "Assinada"],
                        rows: reminder.boletas.map {
                            [
                                "nº \($0.number)", MailFormat.day($0.workDate), $0.technicianName,
                                MailFormat.nature($0.nature), MailFormat.money($0.amount), $0.isSigned ? "Sim" : "Não",
                            ]
                        }),
                    .paragraph(
                        "Acesse o portal e abra a lista de boletas a aprovar; você pode decidir várias de uma vez."),
                ]))
    }

    /// A new divergence, to one vendor management user (R28).
    static func divergenceRaised(
        to recipient: MailRecipient, divergence: DivergenceRaised, boleta: BoletaMention, clientName: String,
        raisedByName: String, timeZone: TimeZone
    ) -> OutgoingMail {
        let cause =
            switch divergence.cause {
            case .signerDisagreed:
                "\(raisedByName), ao assinar a boleta de atendimento técnico nº \(boleta.number), indicou não "
                    + "concordar com a natureza definida pelo técnico."
            case .approverRejected:
                "\(raisedByName), aprovador financeiro do cliente, rejeitou a boleta de atendimento técnico "
                    + "nº \(boleta.number)."
            }
        var facts: [(label: String, value: String)] = [("Cliente", "\(clientName) (\(divergence.boleta.clientCode))")]
        facts += boleta.facts
        facts.append(("Levantada em", MailFormat.moment(divergence.raisedAt, in: timeZone)))
        if !divergence.observation.isEmpty { facts.append(("Observação do cliente", divergence.observation)) }
        return OutgoingMail(
            template: .divergenceRaised, recipient: recipient,
            subject: "Nova divergência: boleta de atendimento técnico nº \(boleta.number)",
            body: MailBody(
                recipientName: recipient.name,
                blocks: [
                    .paragraph(cause), .facts(facts),
                    .paragraph("Resolva a divergência no portal, mantendo ou alterando a natureza, com uma nota."),
                ]))
    }

    /// The notice that a user's password changed.
    static func passwordChanged(to recipient: MailRecipient, changedAt: Date, timeZone: TimeZone) -> OutgoingMail {
        OutgoingMail(
            template: .passwordChanged, recipient: recipient, subject: "Sua senha do portal de suporte foi alterada",
            body: MailBody(
                recipientName: recipient.name,
                blocks: [
                    .paragraph(
                        "A senha do seu acesso ao portal de suporte (\(recipient.email)) foi alterada em "
                            + "\(MailFormat.moment(changedAt, in: timeZone))."),
                    .paragraph("Se não foi você, entre em contato com o suporte imediatamente."),
                ]))
    }

    /// Boleta numbers for a subject: `nº 1, 2 e 3`, the first five and a count of the rest.
    static func numberList(_ numbers: [Int64]) -> String {
        let shown = numbers.prefix(5).map(String.init)
        let rest = numbers.count - shown.count
        let list: String
        if rest > 0 {
            list = shown.joined(separator: ", ") + " e mais \(rest)"
        } else if shown.count > 1 {
            list = shown.dropLast().joined(separator: ", ") + " e " + shown.last!
        } else {
            list = shown.first ?? ""
        }
        return "nº " + list
    }
}
