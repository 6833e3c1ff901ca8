import Foundation
import Synchronization
import TestSupport
import Testing

@testable import MailService
@testable import Shared

/// Exactly-once delivery (R33) and the privacy of initial passwords (R9).
struct MailDeliveryTests {
    @Test func r33ARedeliveredEventSendsOneEmail() throws {
        let world = try MailWorld()
        defer { world.stop() }
        let envelope = EventEnvelope(BoletaRecorded(boleta: world.boletaFacts()), producer: "boleta")
        try world.fixture.publish(envelope)
        try world.fixture.publish(envelope)

        let messages = try world.sink.waitForMessages(1, settle: .seconds(1))
        #expect(messages.count == 1)
        #expect(try world.fixture.messages(forEvent: envelope.id).count == 1)
    }

    @Test func r33TheSameEventHandledTwiceStoresItsMessageOnce() throws {
        let world = try MailWorld()
        defer { world.stop() }
        let envelope = EventEnvelope(BoletaRecorded(boleta: world.boletaFacts()), producer: "boleta")
        let handler = try #require(world.fixture.mail.messageHandlers().first { $0.eventType == BoletaRecorded.type })
        let body = try EventCoding.encoder().encode(envelope)
        // Past the inbox, as if it had lost the first delivery's record: the message key still holds.
        for _ in 0..<2 {
            try world.fixture.pool.withTransaction { try handler.handle(body, $0) }
        }
        #expect(try world.fixture.messages(forEvent: envelope.id).count == 1)
        #expect(try world.sink.waitForMessages(1).count == 1)
    }

    @Test func r33MessagesWrittenWhileTheSMTPServerIsDownArriveOnceItIsUp() throws {
        let port = try SMTPSink.freePort()
        let fixture = try MailFixture(smtpPort: port)
        defer { fixture.stop() }
        let world = (
            contact: People.user("João Simões", email: "joao@acucar.example"),
            technician: People.user(
                "José Muñoz", email: "jose@fornecedor.example", code: "D1", vendorRole: .technician)
        )
        try fixture.know(world.contact)
        try fixture.know(world.technician)
        var events: [UUID] = []
        for number in Int64(100_000_040)...100_000_042 {
            let facts = BoletaFacts(
                number: number, revision: 1, workDate: "2026-12-02", clientCode: "ABS",
                contactUserId: world.contact.userId, approverUserId: world.contact.userId,
                technicianUserId: world.technician.userId, serviceCode: "S", serviceDescription: "Suporte",
                patNumber: nil, nature: .notBilled, amount: "0.00", contentHash: "00", replacesNumber: nil)
            events.append(try fixture.publish(BoletaRecorded(boleta: facts)).id)
        }
        let attempted = try fixture.waitUntil {
            try fixture.sql("SELECT count(*) FROM message WHERE attempts > 0 AND last_error IS NOT NULL")[0]
                .decode(Int64.self, at: 0) == 3
        }
        #expect(attempted, "every message was tried and failed while no server listened")
        #expect(
            try fixture.sql("SELECT count(*) FROM message WHERE state = 'pending'")[0].decode(Int64.self, at: 0) == 3)

        let sink = try SMTPSink(port: port)
        defer {
            sink.stop()
            sink.remove()
        }
        let messages = try sink.waitForMessages(3, settle: .seconds(1))
        #expect(messages.count == 3)
        #expect(Set(messages.map(\.messageId)).count == 3)
        #expect(
            Set(messages.map(\.subject))
                == Set(
                    (100_000_040...100_000_042).map {
                        "Assinatura pendente: boleta de atendimento técnico nº \($0)"
                    }))
        #expect(try fixture.sql("SELECT count(*) FROM message WHERE state = 'sent'")[0].decode(Int64.self, at: 0) == 3)
    }

    @Test func r33AMessageDeferredWith451IsDeliveredOnceLater() throws {
        let world = try MailWorld(script: [451, 250])
        defer { world.stop() }
        let envelope = try world.fixture.publish(BoletaRecorded(boleta: world.boletaFacts()))

        let messages = try world.sink.waitForMessages(1, settle: .seconds(1))
        #expect(messages.count == 1)
        let stored = try #require(try world.fixture.messages(forEvent: envelope.id).first)
        #expect(stored.state == .sent)
        #expect(stored.attempts == 2)
        #expect(stored.lastError == nil)
        #expect(world.fixture.service.context.metrics.render().contains("mail_delivery_retries_total 1"))
        #expect(
            world.fixture.logs.lines.contains { $0.contains("Message not delivered; will retry") && $0.contains("451") }
        )
    }

    @Test func r33AMessageRefusedWith550FailsForGoodAndSupportCanResendIt() throws {
        let world = try MailWorld(script: [550])
        defer { world.stop() }
        let envelope = try world.fixture.publish(BoletaRecorded(boleta: world.boletaFacts()))
        let failed = try world.fixture.waitUntil {
            try world.fixture.messages(forEvent: envelope.id).first?.state == .failed
        }
        try #require(failed)
        Thread.sleep(forTimeInterval: 0.8)
        let stored = try #require(try world.fixture.messages(forEvent: envelope.id).first)
        #expect(stored.attempts == 1, "a refused message is not tried again")
        #expect(stored.lastError?.hasPrefix("550") == true)
        #expect(world.sink.files.isEmpty)
        let warning = try #require(world.fixture.logs.lines.first { $0.contains("Message refused by the SMTP server") })
        #expect(!warning.contains("Assinatura"), "no part of the message is logged")

        let support = try world.fixture.token(userID: world.support.userId, vendorRole: .support)
        let list = try world.fixture.send("GET", "/messages?state=failed", token: support)
        #expect(list.status == 200)
        let page = try JSONCoding.decode(MessagePage.self, from: list.body)
        #expect(page.items.map(\.id) == [stored.id])
        let detail = try world.fixture.send("GET", "/messages/\(stored.id)", token: support)
        #expect(try JSONCoding.decode(StoredMessage.self, from: detail.body).lastError == stored.lastError)

        let resend = try world.fixture.send("POST", "/messages/\(stored.id)/resend", token: support)
        #expect(resend.status == 202)
        #expect(try world.sink.waitForMessages(1).count == 1)
        #expect(try world.fixture.waitUntil { try world.fixture.messages(forEvent: envelope.id).first?.state == .sent })
        let again = try world.fixture.send("POST", "/messages/\(stored.id)/resend", token: support)
        #expect(again.status == 409)
        #expect(again.headers["Content-Type"] == "application/problem+json")
    }

    @Test func r33TwoDeliveryInstancesNeverSendTheSameMessageTwice() throws {
        let world = try MailWorld()
        defer { world.stop() }
        let mail = world.fixture.mail
        let second = mail.delivery(name: "second-delivery", metrics: MailMetrics(registry: MetricsRegistry()))
        let third = mail.delivery(name: "third-delivery", metrics: MailMetrics(registry: MetricsRegistry()))
        let stop = StopSignal()
        let finished = DispatchGroup()
        for part in [second, third] {
            finished.enter()
            Thread {
                try? part.run(until: stop)
                finished.leave()
            }.start()
        }
        defer {
            stop.stop()
            finished.wait()
        }
        let count = 30
        try world.fixture.pool.withTransaction { connection in
            for index in 0..<count {
                let mail = MailTemplates.passwordChanged(
                    to: MailRecipient(userID: UUID(), name: "Usuário \(index)", email: "u\(index)@acucar.example"),
                    changedAt: Date(), timeZone: TimeZone(identifier: "UTC")!)
                try MessageStore.enqueue(
                    mail, eventID: UUID(), eventType: PasswordChanged.type, senderDomain: "fornecedor.example",
                    schema: world.fixture.schema, on: connection)
            }
        }

        let messages = try world.sink.waitForMessages(count, settle: .seconds(1))
        #expect(messages.count == count)
        #expect(Set(messages.map(\.messageId)).count == count)
        #expect(
            try world.fixture.sql("SELECT count(*) FROM message WHERE state = 'sent' AND attempts = 1")[0]
                .decode(Int64.self, at: 0) == count)
    }

    @Test func r9TheInitialPasswordIsMaskedInTheStoredCopyOnceDelivered() throws {
        let world = try MailWorld()
        defer { world.stop() }
        let password = "Pw8xR3kM7nQ2vT5z"
        let envelope = try world.fixture.publish(
            UserRegistered(
                user: world.contact, sealedInitialPassword: try world.sealed(password),
                initialPasswordExpiresAt: Date().addingTimeInterval(3600)))
        let messages = try world.sink.waitForMessages(1)
        try #require(messages.count == 1)
        #expect(messages[0].textLines.contains("Senha inicial: \(password)"))
        #expect(try world.fixture.waitUntil { try world.fixture.messages(forEvent: envelope.id).first?.state == .sent })

        let row = try world.fixture.sql(
            "SELECT text_body, html_body, secret FROM message WHERE event_id = $1", envelope.id)[0]
        let text = try row.decode(String.self, "text_body")
        #expect(!text.contains(password))
        #expect(!(try row.decode(String.self, "html_body")).contains(password))
        #expect(try row.decode(String?.self, "secret") == nil)
        #expect(text.contains("Senha inicial: ********"))
        #expect(text.contains("E-mail de acesso: joao.simoes@acucar.example"))
        #expect(!world.fixture.logs.lines.contains { $0.contains(password) })
    }

    @Test func eventsThatAskForNoEmailAreHandledNotParked() throws {
        let world = try MailWorld()
        defer { world.stop() }
        let facts = world.boletaFacts()
        let events: [UUID] = [
            try world.fixture.publish(
                BoletaDeleted(
                    number: facts.number, clientCode: "ABS", contactUserId: facts.contactUserId,
                    approverUserId: facts.approverUserId, technicianUserId: facts.technicianUserId)
            ).id,
            try world.fixture.publish(
                BoletaCancelled(
                    number: facts.number, clientCode: "ABS", reason: "Correção", replacementNumber: nil,
                    contactUserId: facts.contactUserId, approverUserId: facts.approverUserId,
                    technicianUserId: facts.technicianUserId)
            ).id,
            try world.fixture.publish(UserDeactivated(userId: world.otherManager.userId, clientCode: "ABS")).id,
        ]
        let handled = try world.fixture.waitUntil {
            try world.fixture.sql("SELECT count(*) FROM inbox WHERE event_id = ANY($1)", events)[0]
                .decode(Int64.self, at: 0) == Int64(events.count)
        }
        #expect(handled)
        #expect(try world.fixture.sql("SELECT count(*) FROM parked_event")[0].decode(Int64.self, at: 0) == 0)
        #expect(try world.fixture.sql("SELECT count(*) FROM message")[0].decode(Int64.self, at: 0) == 0)
        #expect(
            try world.fixture.sql("SELECT is_active FROM known_user WHERE id = $1", world.otherManager.userId)[0]
                .decode(Bool.self, at: 0) == false)
    }

    @Test func identityEventsKeepMailsDirectory() throws {
        let world = try MailWorld()
        defer { world.stop() }
        var user = People.user("Ana Luíza", email: "ana@acucar.example", code: "020")
        try world.fixture.publish(ClientRegistered(code: "XYZ", name: "Xícara Ltda", timeZone: "America/Manaus"))
        try world.fixture.publish(UserRegistered(user: user, sealedInitialPassword: nil, initialPasswordExpiresAt: nil))
        user.email = "ana.luiza@acucar.example"
        user.isApprover = true
        try world.fixture.publish(UserFlagsChanged(user: user, patNumber: "PAT-1"))
        let updated = try world.fixture.waitUntil {
            try world.fixture.sql(
                "SELECT count(*) FROM known_user WHERE id = $1 AND email = $2 AND is_approver", user.userId,
                "ana.luiza@acucar.example")[0].decode(Int64.self, at: 0) == 1
        }
        #expect(updated)
        #expect(
            try world.fixture.sql("SELECT time_zone FROM known_client WHERE code = 'XYZ'")[0]
                .decode(String.self, at: 0) == "America/Manaus")
        try world.fixture.publish(UserDeleted(userId: user.userId, clientCode: "ABS"))
        #expect(
            try world.fixture.waitUntil {
                try world.fixture.sql("SELECT is_deleted FROM known_user WHERE id = $1", user.userId)[0]
                    .decode(Bool.self, at: 0)
            })
        #expect(world.sink.files.isEmpty, "a user registered without an initial password gets no welcome")
    }

    @Test func theDateAUserIsActiveUntilIsKeptAndAnEventWithABadOneIsParkedWritingNothing() throws {
        let world = try MailWorld()
        defer { world.stop() }
        var user = People.user("Ana Luíza", email: "ana@acucar.example", code: "021", activeUntil: "2027-03-01")
        try world.fixture.publish(UserRegistered(user: user, sealedInitialPassword: nil, initialPasswordExpiresAt: nil))
        #expect(
            try world.fixture.waitUntil {
                try world.fixture.sql(
                    "SELECT count(*) FROM known_user WHERE id = $1 AND active_until = '2027-03-01'", user.userId)[0]
                    .decode(Int64.self, at: 0) == 1
            })
        user.name = "Ana Luíza Prado"
        user.activeUntil = "01/03/2027"
        let bad = try world.fixture.publish(UserUpdated(user: user))
        #expect(
            try world.fixture.waitUntil {
                try world.fixture.sql("SELECT count(*) FROM parked_event WHERE event_id = $1", bad.id)[0]
                    .decode(Int64.self, at: 0) == 1
            })
        let reason = try world.fixture.sql("SELECT reason FROM parked_event WHERE event_id = $1", bad.id)[0]
            .decode(String.self, at: 0)
        #expect(reason.contains("data.user.activeUntil"))
        let row = try world.fixture.sql("SELECT name, active_until::text FROM known_user WHERE id = $1", user.userId)[0]
        #expect(try row.decode(String.self, at: 0) == "Ana Luíza", "the rejected event changes nothing")
        #expect(try row.decode(String.self, at: 1) == "2027-03-01")
    }
}
