import Foundation
import TestSupport
import Testing

@testable import MailService
@testable import Shared

/// Mail with its own SMTP sink, and the people of a client in its directory, with accented names.
final class MailWorld: Sendable {
    let sink: SMTPSink
    let fixture: MailFixture
    let technician = People.user(
        "José Ângelo Muñoz", email: "jose.munoz@fornecedor.example", code: "D51591", vendorRole: .technician)
    let contact = People.user("João Simões", email: "joao.simoes@acucar.example", code: "001")
    let approver = People.user("Conceição Araújo", email: "conceicao@acucar.example", code: "002", isApprover: true)
    let manager = People.user("Márcia Gonçalves", email: "marcia@acucar.example", code: "003", isManager: true)
    let otherManager = People.user("Irênio Lúcio", email: "irenio@acucar.example", code: "004", isManager: true)
    let support = People.user("Sérgio Suporte", email: "sergio@fornecedor.example", code: "S001", vendorRole: .support)
    let managementA = People.user(
        "Lúcia Gerência", email: "lucia@fornecedor.example", code: "G001", vendorRole: .management)
    let managementB = People.user(
        "Otávio Gestão", email: "otavio@fornecedor.example", code: "G002", vendorRole: .management)

    /// Starts a sink with `script` and `reply`, and Mail delivering to it, and fills the directory.
    init(script: [Int] = [], reply: Int = 250, extraEnvironment: [String: String] = [:]) throws {
        sink = try SMTPSink(script: script, reply: reply)
        do {
            fixture = try MailFixture(smtpPort: sink.port, extraEnvironment: extraEnvironment)
        } catch {
            sink.stop()
            sink.remove()
            throw error
        }
        try fixture.knowClient(code: People.clientCode, name: People.clientName)
        for user in [technician, contact, approver, manager, otherManager, support, managementA, managementB] {
            try fixture.know(user)
        }
    }

    func stop() {
        fixture.stop()
        sink.stop()
        sink.remove()
    }

    /// Boleta 100000033 as Boleta describes it when recorded.
    func boletaFacts(number: Int64 = 100_000_033, nature: BoletaNature = .billed) -> BoletaFacts {
        BoletaFacts(
            number: number, revision: 1, workDate: "2026-12-02", clientCode: People.clientCode,
            contactUserId: contact.userId, approverUserId: approver.userId, technicianUserId: technician.userId,
            serviceCode: "IMPL", serviceDescription: "Implantação do módulo financeiro", patNumber: "PAT-7781",
            nature: nature, amount: "1234.50", contentHash: String(repeating: "ab", count: 32), replacesNumber: nil)
    }

    /// The signature of boleta `number` by its contact, as Boleta publishes it.
    func signature(of number: Int64 = 100_000_033) -> BoletaSigned {
        BoletaSigned(
            number: number, clientCode: People.clientCode, workDate: "2026-12-02", signerUserId: contact.userId,
            technicianUserId: technician.userId, contactUserId: contact.userId, approverUserId: approver.userId,
            nature: .billed, amount: "1234.50", agreesWithNature: true, observation: "", decision: nil,
            decisionObservation: nil, signedAt: Date())
    }

    /// Boleta 100000033 as Approval describes it.
    func approvalSubject(number: Int64 = 100_000_033) -> ApprovalSubject {
        ApprovalSubject(
            number: number, clientCode: People.clientCode, workDate: "2026-12-02",
            technicianUserId: technician.userId, contactUserId: contact.userId, approverUserId: approver.userId,
            serviceDescription: "Implantação do módulo financeiro", patNumber: "PAT-7781", nature: .billed,
            amount: "1234.50")
    }

    /// The initial password `password` sealed to Mail's key, as Identity sends it.
    func sealed(_ password: String) throws -> String {
        Sodium.base64URLEncode(try SealedBox.seal(Array(password.utf8), to: fixture.sealKeys.publicKey))
    }
}

extension ReceivedMail {
    /// The lines of the text part.
    var textLines: [String] {
        text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
    }
}
