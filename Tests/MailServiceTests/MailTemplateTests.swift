import Foundation
import TestSupport
import Testing

@testable import MailService
@testable import Shared

/// Every message, sent over real SMTP and read back with an independent MIME parser.
struct MailTemplateTests {
    @Test func r9NewUserGetsTheWelcomeWithItsInitialPasswordEmailAndExpiry() throws {
        let world = try MailWorld()
        defer { world.stop() }
        let user = People.user("Conceição Araújo Brandão", email: "conceicao.brandao@acucar.example", code: "010")
        let password = "Xy7pQ2mN4kLs9TzR"
        let expiry = Date(timeIntervalSince1970: 1_796_500_000)
        try world.fixture.publish(
            UserRegistered(
                user: user, sealedInitialPassword: try world.sealed(password), initialPasswordExpiresAt: expiry))

        let messages = try world.sink.waitForMessages(1)
        try #require(messages.count == 1)
        let mail = messages[0]
        #expect(mail.contentType == "multipart/alternative")
        #expect(mail.to == "Conceição Araújo Brandão <conceicao.brandao@acucar.example>")
        #expect(mail.rawTo.contains("=?UTF-8?B?"), "the accented name is sent as an RFC 2047 encoded word")
        #expect(mail.from == "Suporte Técnico <suporte@fornecedor.example>")
        #expect(mail.subject == "Bem-vindo(a) ao portal de suporte")
        #expect(mail.textLines.contains("Senha inicial: \(password)"))
        #expect(mail.textLines.contains("E-mail de acesso: conceicao.brandao@acucar.example"))
        let expiryText = MailFormat.moment(expiry, in: TimeZone(identifier: "America/Sao_Paulo")!)
        #expect(mail.textLines.contains("Válida até: \(expiryText)"))
        #expect(expiryText.range(of: #"^\d{2}/\d{2}/\d{4} às \d{2}:\d{2}$"#, options: .regularExpression) != nil)
        #expect(mail.text.contains("Olá, Conceição Araújo Brandão,"))
        #expect(mail.html.contains(password))
        #expect(mail.html.contains("Olá, Conceição Araújo Brandão,"))
    }

    @Test func r9AReissuedInitialPasswordComesAsANewWelcome() throws {
        let world = try MailWorld()
        defer { world.stop() }
        let password = "Kq3vW8nB5hTe2PyM"
        try world.fixture.publish(
            InitialPasswordIssued(
                user: world.contact, sealedInitialPassword: try world.sealed(password),
                initialPasswordExpiresAt: Date().addingTimeInterval(72 * 3600)))

        let messages = try world.sink.waitForMessages(1)
        try #require(messages.count == 1)
        #expect(messages[0].subject == "Nova senha inicial do portal de suporte")
        #expect(messages[0].to == "João Simões <joao.simoes@acucar.example>")
        #expect(messages[0].textLines.contains("Senha inicial: \(password)"))
        #expect(messages[0].textLines.contains("E-mail de acesso: joao.simoes@acucar.example"))
    }

    @Test func r11EveryManagerGetsTheListOfUsersAndTheirDates() throws {
        let world = try MailWorld()
        defer { world.stop() }
        let entries = [
            InactivationWarningDue.Entry(
                userId: world.contact.userId, code: "001", name: "João Simões", activeUntil: "2026-12-09"),
            InactivationWarningDue.Entry(
                userId: world.approver.userId, code: "002", name: "Conceição Araújo", activeUntil: "2026-12-10"),
        ]
        try world.fixture.publish(
            InactivationWarningDue(
                clientCode: People.clientCode, clientName: People.clientName,
                recipients: [world.manager.userId, world.otherManager.userId], users: entries, period: "2026-12-04"))

        let messages = try world.sink.waitForMessages(2)
        #expect(
            Set(messages.map(\.to)) == [
                "Márcia Gonçalves <marcia@acucar.example>", "Irênio Lúcio <irenio@acucar.example>",
            ])
        for mail in messages {
            #expect(mail.subject.contains(People.clientName))
            #expect(mail.subject.contains("09/12/2026"))
            #expect(mail.text.contains("001 | João Simões | 09/12/2026"))
            #expect(mail.text.contains("002 | Conceição Araújo | 10/12/2026"))
            #expect(mail.text.contains("Ativação de Usuários"))
            #expect(mail.html.contains("<td>Conceição Araújo</td><td>10/12/2026</td>"))
            #expect(mail.html.contains("Açúcar &amp; Café"))
        }
    }

    @Test func r11AClientWithoutManagerHasVendorSupportWarned() throws {
        let world = try MailWorld()
        defer { world.stop() }
        try world.fixture.publish(
            InactivationWarningDue(
                clientCode: People.clientCode, clientName: People.clientName, recipients: [],
                users: [
                    .init(userId: world.contact.userId, code: "001", name: "João Simões", activeUntil: "2026-12-09")
                ],
                period: "2026-12-04"))

        let messages = try world.sink.waitForMessages(1)
        try #require(messages.count == 1)
        #expect(messages[0].to == "Sérgio Suporte <sergio@fornecedor.example>")
        #expect(messages[0].text.contains("não tem gestor ativo"))
        #expect(messages[0].text.contains("001 | João Simões | 09/12/2026"))
    }

    @Test func r24ABoletaRecordedUnsignedAsksItsContactToSign() throws {
        let world = try MailWorld()
        defer { world.stop() }
        try world.fixture.publish(BoletaRecorded(boleta: world.boletaFacts()))

        let messages = try world.sink.waitForMessages(1)
        try #require(messages.count == 1)
        let mail = messages[0]
        #expect(mail.to == "João Simões <joao.simoes@acucar.example>")
        #expect(mail.subject == "Assinatura pendente: boleta de atendimento técnico nº 100000033")
        #expect(mail.rawSubject.contains("=?UTF-8?B?"))
        #expect(
            mail.text.contains(
                "O técnico José Ângelo Muñoz registrou a boleta de atendimento técnico nº 100000033, "
                    + "do atendimento realizado em 02/12/2026, que aguarda a sua assinatura."))
        #expect(mail.textLines.contains("Serviço: Implantação do módulo financeiro"))
        #expect(mail.textLines.contains("PAT: PAT-7781"))
        #expect(mail.textLines.contains("Natureza: Faturada"))
        #expect(mail.textLines.contains("Valor: R$ 1.234,50"))
        #expect(mail.html.contains("José Ângelo Muñoz"))
    }

    @Test func r23TheSignerGetsTheConfirmationOfItsSignature() throws {
        let world = try MailWorld()
        defer { world.stop() }
        let signedAt = Date(timeIntervalSince1970: 1_796_400_000)
        try world.fixture.publish(
            BoletaSigned(
                number: 100_000_033, clientCode: People.clientCode, workDate: "2026-12-02",
                signerUserId: world.contact.userId, technicianUserId: world.technician.userId,
                contactUserId: world.contact.userId, approverUserId: world.approver.userId, nature: .notBilled,
                amount: "0.00", agreesWithNature: true, observation: "Atendimento excelente, obrigado!",
                decision: nil, decisionObservation: nil, signedAt: signedAt))

        let messages = try world.sink.waitForMessages(1)
        try #require(messages.count == 1)
        let mail = messages[0]
        #expect(mail.to == "João Simões <joao.simoes@acucar.example>")
        #expect(mail.subject == "Assinatura registrada: boleta de atendimento técnico nº 100000033")
        #expect(
            mail.text.contains(
                "Registramos a sua assinatura da boleta de atendimento técnico nº 100000033, realizada pelo técnico "
                    + "José Ângelo Muñoz em 02/12/2026."))
        #expect(mail.textLines.contains("Concorda com a natureza: Sim"))
        #expect(mail.textLines.contains("Observação: Atendimento excelente, obrigado!"))
        #expect(mail.textLines.contains("Natureza: Não faturada"))
        #expect(!mail.text.contains("Valor:"), "an amount is shown only for billed and contracted work")
    }

    @Test func r26TheApproverIsAskedForItsDecision() throws {
        let world = try MailWorld()
        defer { world.stop() }
        try world.fixture.publish(
            ApprovalRequested(
                boleta: world.approvalSubject(), signerUserId: world.contact.userId,
                signedAt: Date(timeIntervalSince1970: 1_796_400_000)))

        let messages = try world.sink.waitForMessages(1)
        try #require(messages.count == 1)
        let mail = messages[0]
        #expect(mail.to == "Conceição Araújo <conceicao@acucar.example>")
        #expect(mail.subject == "Aprovação pendente: boleta de atendimento técnico nº 100000033")
        #expect(
            mail.text.contains(
                "realizado pelo técnico José Ângelo Muñoz em 02/12/2026, foi assinada por João Simões"))
        #expect(mail.textLines.contains("Contato: João Simões"))
        #expect(mail.textLines.contains("Valor: R$ 1.234,50"))
        #expect(mail.textLines.contains("Data do atendimento: 02/12/2026"))
    }

    @Test func r28EveryVendorManagementUserHearsOfANewDivergence() throws {
        let world = try MailWorld()
        defer { world.stop() }
        try world.fixture.publish(
            DivergenceRaised(
                divergenceId: UUID(), cause: .signerDisagreed, boleta: world.approvalSubject(),
                raisedByUserId: world.contact.userId, observation: "Não foi hora extra, e sim horário normal.",
                raisedAt: Date(timeIntervalSince1970: 1_796_400_000)))

        let messages = try world.sink.waitForMessages(2)
        #expect(
            Set(messages.map(\.to)) == [
                "Lúcia Gerência <lucia@fornecedor.example>", "Otávio Gestão <otavio@fornecedor.example>",
            ])
        for mail in messages {
            #expect(mail.subject == "Nova divergência: boleta de atendimento técnico nº 100000033")
            #expect(mail.text.contains("João Simões, ao assinar a boleta de atendimento técnico nº 100000033"))
            #expect(mail.textLines.contains("Cliente: \(People.clientName) (ABS)"))
            #expect(mail.textLines.contains("Técnico: José Ângelo Muñoz"))
            #expect(mail.textLines.contains("Observação do cliente: Não foi hora extra, e sim horário normal."))
        }
    }

    @Test func r32TheDailySignatureReminderListsTheUnsignedBoletas() throws {
        let world = try MailWorld()
        defer { world.stop() }
        try world.fixture.publish(
            SignatureRemindersDue(
                userId: world.contact.userId, clientCode: People.clientCode, period: "2026-12-04",
                boletas: [
                    .init(
                        number: 100_000_031, workDate: "2026-11-30", technicianName: "José Ângelo Muñoz",
                        nature: .contracted, serviceDescription: "Consultoria técnica"),
                    .init(
                        number: 100_000_032, workDate: "2026-12-02", technicianName: "José Ângelo Muñoz",
                        nature: .notBilled, serviceDescription: "Correção de erro"),
                ]))

        let messages = try world.sink.waitForMessages(1)
        try #require(messages.count == 1)
        let mail = messages[0]
        #expect(mail.to == "João Simões <joao.simoes@acucar.example>")
        #expect(mail.subject == "Lembrete: boletas aguardando a sua assinatura (nº 100000031 e 100000032)")
        #expect(
            mail.text.contains("nº 100000031 | 30/11/2026 | José Ângelo Muñoz | Contratada | Consultoria técnica"))
        #expect(
            mail.text.contains("nº 100000032 | 02/12/2026 | José Ângelo Muñoz | Não faturada | Correção de erro"))
    }

    @Test func r32TheDailyApprovalReminderListsThePendingDecisions() throws {
        let world = try MailWorld()
        defer { world.stop() }
        try world.fixture.publish(
            ApprovalRemindersDue(
                approverUserId: world.approver.userId, clientCode: People.clientCode, period: "2026-12-04",
                boletas: [
                    .init(
                        number: 100_000_033, workDate: "2026-12-01", technicianName: "José Ângelo Muñoz",
                        nature: .billed, amount: "277.76", isSigned: true),
                    .init(
                        number: 100_000_034, workDate: "2026-12-02", technicianName: "José Ângelo Muñoz",
                        nature: .contracted, amount: "12000.00", isSigned: false),
                ]))

        let messages = try world.sink.waitForMessages(1)
        try #require(messages.count == 1)
        let mail = messages[0]
        #expect(mail.to == "Conceição Araújo <conceicao@acucar.example>")
        #expect(mail.subject == "Lembrete: boletas aguardando a sua aprovação (nº 100000033 e 100000034)")
        #expect(mail.text.contains("nº 100000033 | 01/12/2026 | José Ângelo Muñoz | Faturada | R$ 277,76 | Sim"))
        #expect(
            mail.text.contains("nº 100000034 | 02/12/2026 | José Ângelo Muñoz | Contratada | R$ 12.000,00 | Não"))
    }

    @Test func aChangedPasswordIsNotifiedToItsUser() throws {
        let world = try MailWorld()
        defer { world.stop() }
        let changedAt = Date(timeIntervalSince1970: 1_796_400_000)
        try world.fixture.publish(PasswordChanged(userId: world.manager.userId, changedAt: changedAt))

        let messages = try world.sink.waitForMessages(1)
        try #require(messages.count == 1)
        #expect(messages[0].to == "Márcia Gonçalves <marcia@acucar.example>")
        #expect(messages[0].subject == "Sua senha do portal de suporte foi alterada")
        let when = MailFormat.moment(changedAt, in: TimeZone(identifier: "America/Sao_Paulo")!)
        #expect(messages[0].text.contains("foi alterada em \(when)."))
    }
}
