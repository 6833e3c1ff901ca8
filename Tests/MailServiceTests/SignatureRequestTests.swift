import Foundation
import TestSupport
import Testing

@testable import MailService
@testable import Shared

/// The request to sign (R24) waits a grace period, so that a contact who signs at once on the
/// technician's screen (R20) is not asked to sign what it just signed.
struct SignatureRequestTests {
    static let requestSubject = "Assinatura pendente: boleta de atendimento técnico nº 100000033"
    static let confirmationSubject = "Assinatura registrada: boleta de atendimento técnico nº 100000033"

    /// The signature requests stored for boleta `number`, oldest first.
    func requests(_ world: MailWorld, boleta number: Int64 = 100_000_033) throws -> [StoredMessage] {
        try world.fixture.pool.withConnection {
            try MessageStore.list(MessageFilter(boletaNumber: number), limit: 100, offset: 0, on: $0)
        }.filter { $0.template == MailTemplate.signatureRequest.rawValue }.reversed()
    }

    /// Waits until Mail handled every event of `events`.
    func waitUntilHandled(_ world: MailWorld, _ events: [UUID]) throws -> Bool {
        try world.fixture.waitUntil {
            try world.fixture.sql("SELECT count(*) FROM inbox WHERE event_id = ANY($1)", events)[0]
                .decode(Int64.self, at: 0) == Int64(events.count)
        }
    }

    @Test func r24R20AContactWhoSignsWithinTheDelayGetsOnlyTheConfirmation() throws {
        let world = try MailWorld(extraEnvironment: ["MAIL_SIGNATURE_REQUEST_DELAY_MS": "2000"])
        defer { world.stop() }
        let recorded = try world.fixture.publish(BoletaRecorded(boleta: world.boletaFacts()))
        try world.fixture.publish(world.signature())

        // Long enough for the request to have gone, had it not been withdrawn.
        let messages = try world.sink.waitForMessages(1, settle: .seconds(3))
        #expect(messages.map(\.subject) == [Self.confirmationSubject])
        let request = try #require(try world.fixture.messages(forEvent: recorded.id).first)
        #expect(request.state == .withdrawn)
        #expect(request.withdrawnReason == "the boleta was signed")
        #expect(request.withdrawnAt != nil)
        #expect(request.attempts == 0)

        let support = try world.fixture.token(userID: world.support.userId, vendorRole: .support)
        let list = try world.fixture.send("GET", "/messages?state=withdrawn&boletaNumber=100000033", token: support)
        #expect(list.status == 200)
        let page = try JSONCoding.decode(MessagePage.self, from: list.body)
        #expect(page.items.map(\.id) == [request.id])
        #expect(page.items.first?.withdrawnReason == "the boleta was signed")
        #expect(page.items.first?.boletaNumber == 100_000_033)
        let invalid = try world.fixture.send("GET", "/messages?boletaNumber=abc", token: support)
        #expect(invalid.status == 422)
        let resend = try world.fixture.send("POST", "/messages/\(request.id)/resend", token: support)
        #expect(resend.status == 409, "a withdrawn request is never sent")
    }

    @Test func r24AnUnsignedBoletaGetsItsRequestOnceTheDelayPassed() throws {
        let world = try MailWorld(extraEnvironment: ["MAIL_SIGNATURE_REQUEST_DELAY_MS": "1000"])
        defer { world.stop() }
        let recorded = try world.fixture.publish(BoletaRecorded(boleta: world.boletaFacts()))

        let messages = try world.sink.waitForMessages(1)
        #expect(messages.map(\.subject) == [Self.requestSubject])
        #expect(messages.first?.to == "João Simões <joao.simoes@acucar.example>")
        let row = try world.fixture.sql(
            "SELECT state, attempts, extract(epoch FROM sent_at - created_at)::float8 FROM message WHERE event_id = $1",
            recorded.id)
        try #require(row.count == 1)
        #expect(try row[0].decode(String.self, at: 0) == "sent")
        #expect(try row[0].decode(Int.self, at: 1) == 1)
        #expect(try row[0].decode(Double.self, at: 2) >= 1.0, "the request waited its grace period")
    }

    @Test(arguments: ["deleted", "cancelled"])
    func r24NoRequestForABoletaDeletedOrCancelledWithinTheDelay(_ outcome: String) throws {
        let world = try MailWorld(extraEnvironment: ["MAIL_SIGNATURE_REQUEST_DELAY_MS": "1000"])
        defer { world.stop() }
        let facts = world.boletaFacts()
        let recorded = try world.fixture.publish(BoletaRecorded(boleta: facts))
        if outcome == "deleted" {
            try world.fixture.publish(
                BoletaDeleted(
                    number: facts.number, clientCode: People.clientCode, contactUserId: facts.contactUserId,
                    approverUserId: facts.approverUserId, technicianUserId: facts.technicianUserId))
        } else {
            try world.fixture.publish(
                BoletaCancelled(
                    number: facts.number, clientCode: People.clientCode, reason: "Correção do horário",
                    replacementNumber: nil, contactUserId: facts.contactUserId, approverUserId: facts.approverUserId,
                    technicianUserId: facts.technicianUserId))
        }

        let withdrawn = try world.fixture.waitUntil {
            try world.fixture.messages(forEvent: recorded.id).first?.state == .withdrawn
        }
        #expect(withdrawn)
        #expect(try world.fixture.messages(forEvent: recorded.id).first?.withdrawnReason == "the boleta was \(outcome)")
        Thread.sleep(forTimeInterval: 1.5)
        #expect(world.sink.files.isEmpty)
        #expect(try world.fixture.sql("SELECT count(*) FROM parked_event")[0].decode(Int64.self, at: 0) == 0)
    }

    @Test func r24AChangeWithinTheDelayReplacesTheWaitingRequest() throws {
        let world = try MailWorld(extraEnvironment: ["MAIL_SIGNATURE_REQUEST_DELAY_MS": "1500"])
        defer { world.stop() }
        var facts = world.boletaFacts()
        try world.fixture.publish(BoletaRecorded(boleta: facts))
        facts.revision = 2
        facts.serviceDescription = "Treinamento da equipe financeira"
        try world.fixture.publish(BoletaChanged(boleta: facts))

        let messages = try world.sink.waitForMessages(1, settle: .seconds(1))
        #expect(messages.map(\.subject) == [Self.requestSubject])
        #expect(messages.first?.textLines.contains("Serviço: Treinamento da equipe financeira") == true)
        let stored = try requests(world)
        try #require(stored.count == 2)
        #expect(stored[0].state == .withdrawn)
        #expect(stored[0].withdrawnReason == "replaced by message \(stored[1].id), for revision 2 of the boleta")
        #expect(stored[1].state == .sent)
        #expect(stored[1].eventType == BoletaChanged.type)
    }

    @Test func r24AChangeAfterTheRequestWentOutWritesNoOtherUnlessItNamesAnotherContact() throws {
        let world = try MailWorld()
        defer { world.stop() }
        var facts = world.boletaFacts()
        try world.fixture.publish(BoletaRecorded(boleta: facts))
        #expect(try world.sink.waitForMessages(1).count == 1)

        facts.revision = 2
        facts.amount = "1500.00"
        let changed = try world.fixture.publish(BoletaChanged(boleta: facts))
        #expect(try waitUntilHandled(world, [changed.id]))
        Thread.sleep(forTimeInterval: 0.6)
        #expect(world.sink.files.count == 1, "the contact's list shows the boleta as it now is")

        facts.revision = 3
        facts.contactUserId = world.manager.userId
        try world.fixture.publish(BoletaChanged(boleta: facts))
        let messages = try world.sink.waitForMessages(2)
        #expect(messages.count == 2)
        #expect(messages.last?.to == "Márcia Gonçalves <marcia@acucar.example>")
        #expect(messages.last?.subject == Self.requestSubject)
    }

    @Test func r24ARequestWrittenAfterTheSignatureWasHandledIsWithdrawnAtOnce() throws {
        let world = try MailWorld()
        defer { world.stop() }
        try world.fixture.publish(world.signature())
        #expect(try world.sink.waitForMessages(1).map(\.subject) == [Self.confirmationSubject])

        // The recorded event comes late, as when it was parked and replayed after the signature.
        let recorded = try world.fixture.publish(BoletaRecorded(boleta: world.boletaFacts()))
        let stored = try world.fixture.waitForStored(1, forEvent: recorded.id)
        #expect(stored.map(\.state) == [.withdrawn])
        #expect(stored.first?.withdrawnReason == "the boleta was signed")
        Thread.sleep(forTimeInterval: 0.6)
        #expect(world.sink.files.count == 1)
    }

    @Test func r24TheDelayDefaultsToTenMinutesAndTheLeaseMustOutlastAnAttempt() throws {
        let defaults = try MailConfiguration(environment: Environment([:]))
        #expect(defaults.signatureRequestDelay == .seconds(600))
        #expect(defaults.sendingLease == .seconds(90))
        #expect(throws: ConfigurationError.self) {
            try MailConfiguration(
                environment: Environment(["SMTP_TIMEOUT_MS": "5000", "MAIL_SENDING_LEASE_MS": "5000"]))
        }
    }
}
