import Foundation
import TestSupport
import Testing

@testable import MailService
@testable import Shared

/// Each attempt is claimed before its SMTP transaction, and one interrupted is sent again only
/// once its lease passed, counted as a possible duplicate (R33).
struct MailAttemptTests {
    /// Stores a password-changed notice for a new user, as its event handler would; its id.
    func storeNotice(in fixture: MailFixture, on connection: PostgresConnection) throws -> Int64 {
        let mail = MailTemplates.passwordChanged(
            to: MailRecipient(userID: UUID(), name: "Usuária Única", email: "unica@acucar.example"),
            changedAt: Date(), timeZone: TimeZone(identifier: "UTC")!)
        guard
            let id = try MessageStore.enqueue(
                mail, eventID: UUID(), eventType: PasswordChanged.type, senderDomain: "fornecedor.example",
                schema: fixture.schema, on: connection)
        else { throw SinkFailure(step: "storing the notice", detail: "it was stored already") }
        return id
    }

    func message(_ id: Int64, in fixture: MailFixture) throws -> StoredMessage? {
        try fixture.pool.withConnection { try MessageStore.find(id: id, on: $0) }
    }

    @Test func r33AnAttemptInterruptedBeforeItsOutcomeIsSentAgainOnceItsLeasePassedAndCounted() throws {
        let world = try MailWorld()
        defer { world.stop() }
        // As a process that stopped after claiming the attempt, perhaps after the server took the message.
        let id = try world.fixture.pool.withTransaction { connection in
            let id = try storeNotice(in: world.fixture, on: connection)
            _ = try connection.execute(
                """
                UPDATE message SET state = 'sending', attempt_id = $2, attempts = 1,
                    next_attempt_at = clock_timestamp() + interval '1.5 seconds'
                WHERE id = $1
                """, id, UUID())
            return id
        }

        Thread.sleep(forTimeInterval: 0.8)
        #expect(world.sink.files.isEmpty, "no instance takes an attempt over before its lease passed")
        #expect(try message(id, in: world.fixture)?.state == .sending)

        let messages = try world.sink.waitForMessages(1)
        #expect(messages.count == 1)
        let stored = try #require(try message(id, in: world.fixture))
        #expect(messages.first?.messageId == "<\(stored.messageId)>", "the same Message-ID, for receivers to match")
        #expect(stored.state == .sent)
        #expect(stored.attempts == 2)
        #expect(stored.interruptedAttempts == 1)
        #expect(world.fixture.service.context.metrics.render().contains("mail_interrupted_attempts_total 1"))
        #expect(
            world.fixture.logs.lines.contains {
                $0.contains("was interrupted and may have reached the SMTP server") && $0.contains("\"\(id)\"")
            })
    }

    @Test func r33AnAttemptIsRecordedAsSendingBeforeItsSMTPTransactionStarts() throws {
        let server = try SilentServer()
        defer { server.close() }
        let fixture = try MailFixture(smtpPort: server.port, extraEnvironment: ["SMTP_TIMEOUT_MS": "1500"])
        defer { fixture.stop() }
        let id = try fixture.pool.withTransaction { try storeNotice(in: fixture, on: $0) }

        // The server never greets, so the attempt hangs until its time-out: meanwhile it is on record.
        let claimed = try fixture.waitUntil(timeout: .seconds(5)) {
            let stored = try message(id, in: fixture)
            return stored?.state == .sending && stored?.attempts == 1
        }
        #expect(claimed)
        let sending = try #require(try message(id, in: fixture))
        let lease = try #require(sending.nextAttemptAt).timeIntervalSince(Date())
        #expect(lease > 50, "the lease outlasts the SMTP time-out by a minute")

        let deferred = try fixture.waitUntil {
            try message(id, in: fixture).map { $0.state == .pending && $0.lastError != nil } ?? false
        }
        #expect(deferred)
        let after = try #require(try message(id, in: fixture))
        #expect(after.attempts >= 1)
        #expect(after.interruptedAttempts == 0, "an attempt that ended with an outcome was not interrupted")
    }
}

/// A loopback port that accepts connections and never says a word, as a hung SMTP server would.
final class SilentServer: Sendable {
    let port: Int
    private let socket: Int32

    init() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw SinkFailure(step: "socket", detail: String(cString: strerror(errno))) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(socket, 16) == 0 else {
            Glibc.close(socket)
            throw SinkFailure(step: "bind and listen", detail: String(cString: strerror(errno)))
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        self.socket = socket
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        Glibc.close(socket)
    }
}
