import Foundation
import TestSupport
import Testing

@testable import MailService
@testable import Shared

struct MailContractTests {
    @Test func mailHandlesEveryEventItsQueueReceives() throws {
        let fixture = try MailFixture(smtpPort: try SMTPSink.freePort())
        defer { fixture.stop() }
        let mail = fixture.mail
        let handled = Set(EventHandler.merging(mail.directoryHandlers(), mail.messageHandlers()).map(\.eventType))
        let received = Set(try #require(SystemTopology.consumers["mail"]))
        #expect(received.subtracting(handled).isEmpty, "received but not handled: \(received.subtracting(handled))")
    }

    @Test func r33HeadersAndBodiesAreEncodedForAccentedText() {
        let message = MimeMessage(
            from: MailAddress(name: "Suporte Técnico", email: "suporte@fornecedor.example"),
            to: MailAddress(name: "Conceição Araújo", email: "conceicao@acucar.example"),
            subject: "Aprovação pendente: boleta nº 100000033", date: Date(timeIntervalSince1970: 0),
            messageID: "abc@fornecedor.example", text: "Olá, " + String(repeating: "ção ", count: 40) + "\nfim ",
            html: "<p>Olá</p>")
        let raw = String(decoding: message.rendered(), as: UTF8.self)
        let lines = raw.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 78 }, "no line longer than RFC 5322 recommends")
        #expect(raw.utf8.allSatisfy { $0 < 0x80 }, "the message is 7-bit clean")
        #expect(lines.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
        #expect(lines.contains("Message-ID: <abc@fornecedor.example>"))
        #expect(lines.contains { $0.hasPrefix("To: =?UTF-8?B?") && $0.hasSuffix("<conceicao@acucar.example>") })
        #expect(lines.contains("fim=20"), "a trailing space is encoded so that it survives")
    }
}
