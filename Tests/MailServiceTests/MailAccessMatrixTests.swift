import Foundation
import TestSupport
import Testing

@testable import MailService
@testable import Shared

/// Who may call the operator endpoints: vendor support only (R33).
@Suite(.serialized)
struct MailAccessMatrixTests {
    /// The kinds of caller, each with its token.
    enum Caller: String, CaseIterable, Sendable {
        case support, management, technician, clientManager, clientApprover, clientUser, mustChangePassword, none
    }

    /// One endpoint, and what each caller gets, in ``Caller`` order.
    struct Row: Sendable, CustomTestStringConvertible {
        var method: String
        var path: @Sendable (Int64) -> String
        var statuses: [Int]
        var testDescription: String { "\(method) \(path(0).replacingOccurrences(of: "/0", with: "/{id}"))" }
    }

    // swift-format-ignore
    //                                                                sup  mgmt tech mgr  appr user mcp  none
    static let rows: [Row] = [
        Row(method: "GET", path: { _ in "/messages" }, statuses: [200, 403, 403, 403, 403, 403, 403, 401]),
        Row(method: "GET", path: { "/messages/\($0)" }, statuses: [200, 403, 403, 403, 403, 403, 403, 401]),
        Row(method: "POST", path: { "/messages/\($0)/resend" }, statuses: [202, 403, 403, 403, 403, 403, 403, 401]),
    ]

    @Test("R33 only vendor support sees and resends messages", arguments: rows)
    func onlySupportReachesTheOperatorEndpoints(row: Row) throws {
        let fixture = try MailFixture(smtpPort: try SMTPSink.freePort())
        defer { fixture.stop() }
        for (caller, expected) in zip(Caller.allCases, row.statuses) {
            let id = try Self.failedMessage(in: fixture)
            let response = try fixture.send(row.method, row.path(id), token: try Self.token(caller, fixture))
            #expect(response.status == expected, "\(caller.rawValue) got \(response.status): \(response.text)")
            if expected >= 400 {
                #expect(response.headers["Content-Type"] == "application/problem+json")
                #expect(try fixture.messages(forEvent: Self.eventID(of: id, in: fixture)).first?.state == .failed)
            }
        }
    }

    @Test func badFiltersAndUnknownMessagesAreProblems() throws {
        let fixture = try MailFixture(smtpPort: try SMTPSink.freePort())
        defer { fixture.stop() }
        let support = try Self.token(.support, fixture)
        for path in ["/messages?state=lost", "/messages?eventId=nope", "/messages?limit=0", "/messages?offset=-1"] {
            let response = try fixture.send("GET", path, token: support)
            #expect(response.status == 422, "\(path)")
            #expect(response.headers["Content-Type"] == "application/problem+json")
        }
        #expect(try fixture.send("GET", "/messages/999999", token: support).status == 404)
        #expect(try fixture.send("GET", "/messages/abc", token: support).status == 404)
        #expect(try fixture.send("POST", "/messages/999999/resend", token: support).status == 404)
    }

    static func token(_ caller: Caller, _ fixture: MailFixture) throws -> String? {
        switch caller {
        case .support: try fixture.token(vendorRole: .support)
        case .management: try fixture.token(vendorRole: .management)
        case .technician: try fixture.token(vendorRole: .technician)
        case .clientManager: try fixture.token(clientCode: "ABS", isManager: true)
        case .clientApprover: try fixture.token(clientCode: "ABS", isApprover: true)
        case .clientUser: try fixture.token(clientCode: "ABS")
        case .mustChangePassword:
            try JSONWebToken.sign(
                claims: AccessClaims(
                    userID: UUID(), audience: "support", issuedAt: Date(), lifetime: .seconds(600), clientCode: nil,
                    isManager: false, isApprover: false, vendorRole: .support, mustChangePassword: true),
                key: fixture.signingKey)
        case .none: nil
        }
    }

    /// Stores a message that the SMTP server refused for good, and answers its id.
    static func failedMessage(in fixture: MailFixture) throws -> Int64 {
        try fixture.pool.withTransaction { connection in
            let mail = MailTemplates.passwordChanged(
                to: MailRecipient(userID: UUID(), name: "Usuário", email: "usuario@acucar.example"), changedAt: Date(),
                timeZone: TimeZone(identifier: "UTC")!)
            try MessageStore.enqueue(
                mail, eventID: UUID(), eventType: PasswordChanged.type, senderDomain: "fornecedor.example",
                schema: fixture.schema, on: connection)
            return try connection.query(
                """
                UPDATE message SET state = 'failed', failed_at = now(), attempts = 1, last_error = '550 refused'
                WHERE id = (SELECT max(id) FROM message) RETURNING id
                """)[0].decode(Int64.self, at: 0)
        }
    }

    static func eventID(of id: Int64, in fixture: MailFixture) throws -> UUID {
        try fixture.sql("SELECT event_id FROM message WHERE id = $1", id)[0].decode(UUID.self, at: 0)
    }
}

struct MailOperatorViewTests {
    @Test func r33SupportFindsMessagesByStateRecipientAndEvent() throws {
        let fixture = try MailFixture(smtpPort: try SMTPSink.freePort())
        defer { fixture.stop() }
        let failed = try MailAccessMatrixTests.failedMessage(in: fixture)
        let failedEvent = try MailAccessMatrixTests.eventID(of: failed, in: fixture)
        let other = UUID()
        try fixture.pool.withTransaction { connection in
            let mail = MailTemplates.passwordChanged(
                to: MailRecipient(userID: UUID(), name: "Ângela", email: "Angela@Acucar.example"), changedAt: Date(),
                timeZone: TimeZone(identifier: "UTC")!)
            try MessageStore.enqueue(
                mail, eventID: other, eventType: "identity.user.password-changed", senderDomain: "fornecedor.example",
                schema: fixture.schema, on: connection)
        }
        let support = try MailAccessMatrixTests.token(.support, fixture)
        func ids(_ query: String) throws -> [Int64] {
            let response = try fixture.send("GET", "/messages?" + query, token: support)
            #expect(response.status == 200, "\(query): \(response.text)")
            return try JSONCoding.decode(MessagePage.self, from: response.body).items.map(\.id)
        }
        let all = try ids("")
        #expect(all.count == 2)
        #expect(try ids("state=failed") == [failed])
        #expect(try ids("eventId=\(failedEvent.uuidString)") == [failed])
        #expect(try ids("recipient=angela@acucar.example").count == 1)
        #expect(try ids("recipient=angela@acucar.example") != [failed])
        #expect(try ids("eventType=identity.user.password-changed").count == 2)
        #expect(try ids("eventType=boleta.recorded").isEmpty)
        #expect(try ids("limit=1") == [all[0]])
        #expect(try ids("limit=1&offset=1") == [all[1]])
    }
}
