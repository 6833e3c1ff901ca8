import Foundation
import Testing

@testable import BoletaService
@testable import Shared

/// Signing boletas at once or from the list, and the evidence kept (R19-R23).
struct SigningTests {
    @Test func theContactSignsAtOnceOnTheTechniciansScreenAndTheEvidenceIsKept() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let boleta = try world.recordForSigning()
        let claims = world.assertionClaims(signer: world.contact, [boleta])
        let assertion = try JSONWebToken.sign(claims: claims, key: world.fixture.signingKey)

        let response = try world.signOne(boleta.number, assertion: assertion, token: try world.technicianToken())

        #expect(response.status == 200, "\(response.text)")
        #expect(try world.json(response)["signerUserId"] as? String == world.contact.uuidString)
        #expect(try world.status(boleta.number) == "signed")
        let row = try world.sql(
            """
            SELECT signer_user_id, address, client_program, content_hash, assertion_id, agrees_with_nature,
                observation, decision
            FROM signature WHERE boleta_number = $1
            """, boleta.number)[0]
        #expect(try row.decode(UUID.self, "signer_user_id") == world.contact)
        #expect(try row.decode(String.self, "address") == "127.0.0.1")
        #expect(try row.decode(String.self, "client_program") == signingProgram)
        #expect(try row.decode(String.self, "content_hash") == boleta.hash)
        #expect(try row.decode(UUID.self, "assertion_id") == claims.tokenID)
        #expect(try row.decode(Bool.self, "agrees_with_nature"))
        #expect(try row.decode(String?.self, "decision") == nil)
        let event = try #require(try world.fixture.running.outboxEvents(BoletaSigned.self).first)
        #expect(event.data.number == boleta.number)
        #expect(event.data.signerUserId == world.contact)
        #expect(event.data.technicianUserId == world.technician)
        #expect(event.data.approverUserId == world.approver)
        #expect(event.data.nature == .billed)
        #expect(event.data.amount == "185.18")
        #expect(event.data.decision == nil)
    }

    @Test func theContactSignsSeveralFromItsListAndADisagreementKeepsTheNatureAndObservation() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let older = try world.recordForSigning(workDate: "2006-12-01")
        let newer = try world.recordForSigning(workDate: "2006-12-03")
        let middle = try world.recordForSigning(workDate: "2006-12-02", nature: "contracted")
        let token = try world.clientToken(world.contact)

        let list = try world.fixture.send("GET", "/boletas/to-sign", token: token)
        #expect(list.status == 200, "\(list.text)")
        let listed = try #require(try world.json(list)["boletas"] as? [[String: Any]])
        #expect(listed.compactMap { $0["number"] as? Int64 } == [newer.number, middle.number, older.number])
        #expect(listed.first?["technicianName"] as? String == "D51591")
        #expect(listed.first?["workDate"] as? String == "2006-12-03")
        #expect(listed.compactMap { $0["nature"] as? String } == ["billed", "contracted", "billed"])
        let othersList = try world.fixture.send(
            "GET", "/boletas/to-sign", token: try world.clientToken(world.plainUser))
        #expect(try world.json(othersList)["boletas"] as? [Any] != nil)
        #expect((try world.json(othersList)["boletas"] as? [Any])?.isEmpty == true)

        let assertion = try world.assertion(signer: world.contact, [older, newer, middle])
        let response = try world.signMany(
            assertion: assertion, token: token,
            items: [
                ["number": older.number, "agreesWithNature": true],
                ["number": newer.number, "agreesWithNature": false, "observation": "Foi dentro do contrato"],
                ["number": middle.number, "agreesWithNature": true],
            ])

        #expect(
            try world.outcomes(response) == [older.number: "signed", newer.number: "signed", middle.number: "signed"])
        let row = try world.sql(
            "SELECT agrees_with_nature, observation FROM signature WHERE boleta_number = $1", newer.number)[0]
        #expect(try !row.decode(Bool.self, "agrees_with_nature"))
        #expect(try row.decode(String.self, "observation") == "Foi dentro do contrato")
        let nature = try world.sql("SELECT nature FROM boleta WHERE number = $1", newer.number)[0]
        #expect(try nature.decode(String.self, "nature") == "billed")
        let events = try world.fixture.running.outboxEvents(BoletaSigned.self)
        #expect(events.count == 3)
        let disagreement = try #require(events.first { $0.data.number == newer.number })
        #expect(!disagreement.data.agreesWithNature)
        #expect(disagreement.data.observation == "Foi dentro do contrato")
        let after = try world.fixture.send("GET", "/boletas/to-sign", token: token)
        #expect((try world.json(after)["boletas"] as? [Any])?.isEmpty == true)
    }

    @Test func aBoletaChangedAfterTheAssertionIsRefusedAndStaysUnsigned() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let boleta = try world.recordForSigning()
        let assertion = try world.assertion(signer: world.contact, [boleta])
        let changed = try world.fixture.send(
            "PATCH", "/boletas/\(boleta.number)", token: try world.technicianToken(),
            json: world.body(entries: [RecordingWorld.entry("08:00", "11:00")]))
        try #require(changed.status == 200, "\(changed.text)")

        let response = try world.signOne(
            boleta.number, assertion: assertion, token: try world.clientToken(world.contact))

        #expect(response.status == 409, "\(response.text)")
        #expect(try world.problemType(response) == "/problems/content-changed")
        #expect(try world.status(boleta.number) == "unsigned")
        #expect(try world.sql("SELECT 1 FROM signature").isEmpty)
        #expect(try world.fixture.running.outboxEvents(BoletaSigned.self).isEmpty)
    }

    @Test func aSignedBoletaIsNotSignedTwice() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let boleta = try world.recordForSigning()
        let token = try world.clientToken(world.contact)
        let first = try world.signOne(
            boleta.number, assertion: try world.assertion(signer: world.contact, [boleta]), token: token)
        try #require(first.status == 200, "\(first.text)")

        let second = try world.signOne(
            boleta.number, assertion: try world.assertion(signer: world.contact, [boleta]), token: token)

        #expect(second.status == 409, "\(second.text)")
        #expect(try world.problemType(second) == "/problems/already-signed")
        #expect(try world.sql("SELECT count(*) AS n FROM signature")[0].decode(Int64.self, "n") == 1)
    }

    @Test func aReusedAssertionIsRefusedForTheWholeRequest() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let first = try world.recordForSigning()
        let second = try world.recordForSigning()
        let assertion = try world.assertion(signer: world.contact, [first, second])
        let token = try world.clientToken(world.contact)
        let signed = try world.signOne(first.number, assertion: assertion, token: token)
        try #require(signed.status == 200, "\(signed.text)")

        let reused = try world.signOne(second.number, assertion: assertion, token: token)

        #expect(reused.status == 409, "\(reused.text)")
        #expect(try world.problemType(reused) == "/problems/assertion-used")
        #expect(try world.status(second.number) == "unsigned")
    }

    @Test func anExpiredAssertionIsRefusedWith401() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let boleta = try world.recordForSigning()
        let expired = try world.assertion(
            signer: world.contact, [boleta], issuedAt: Date().addingTimeInterval(-3600), lifetime: .seconds(120))

        let response = try world.signOne(boleta.number, assertion: expired, token: try world.clientToken(world.contact))

        #expect(response.status == 401, "\(response.text)")
        #expect(try world.status(boleta.number) == "unsigned")
    }

    @Test func anAccessTokenIsNotTakenForAnAssertion() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let boleta = try world.recordForSigning()
        let token = try world.clientToken(world.contact)

        let response = try world.signOne(boleta.number, assertion: token, token: token)

        #expect(response.status == 401, "\(response.text)")
        #expect(try world.status(boleta.number) == "unsigned")
    }

    @Test(arguments: [
        ([(String, String)](), "unknown"),
        ([("User-Agent", "  Browser/2.0  ")], "Browser/2.0"),
        ([("User-Agent", String(repeating: "a", count: 300))], String(repeating: "a", count: 200)),
    ])
    func theClientProgramIsTheUserAgentTrimmedOrUnknown(headers: [(String, String)], kept: String) throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let boleta = try world.recordForSigning()
        let assertion = try world.assertion(signer: world.contact, [boleta])

        let response = try world.fixture.running.send(
            "POST", "/boletas/\(boleta.number)/signature", token: try world.clientToken(world.contact),
            json: ["assertion": assertion, "agreesWithNature": true], headers: headers)

        #expect(response.status == 200, "\(response.text)")
        let stored = try world.sql("SELECT client_program FROM signature WHERE boleta_number = $1", boleta.number)
        #expect(try stored[0].decode(String.self, "client_program") == kept)
    }
}
