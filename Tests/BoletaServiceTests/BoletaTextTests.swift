import Foundation
import TestSupport
import Testing

@testable import BoletaService
@testable import Shared

/// Single-line fields of Boleta hold no control character nor line separator; multi-line ones
/// (observations, histories, reasons) keep LF and CR LF line breaks and nothing else of those.
struct BoletaTextTests {
    static let singleLine = "must be a single line without control characters"
    static let multiLine = "must not hold control characters other than line breaks"

    /// The field errors of a 422 answer, as `field: message`.
    private static func errors(_ response: HTTPClient.Response, _ world: RecordingWorld) throws -> Set<String> {
        #expect(response.status == 422, "\(response.text)")
        #expect(response.headers["Content-Type"]?.hasPrefix("application/problem+json") == true)
        let errors = try world.json(response)["errors"] as? [[String: Any]] ?? []
        return Set(errors.map { "\($0["field"] as? String ?? ""): \($0["message"] as? String ?? "")" })
    }

    @Test("A boleta's single-line fields refuse control characters and multi-line ones every one but line breaks")
    func aBoletaWithControlCharactersIsRefusedNamingEachField() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        var entry = RecordingWorld.entry("08:00", "09:30")
        entry["patNumber"] = "51507\u{2028}"
        entry["history"] = "Ajuste\u{1B}[2J"
        let body = world.body(
            patNumber: "51507\r\nBcc: x@evil.example", entries: [entry],
            ["serviceCode": "HP\t", "clientCode": "ABS\u{7F}", "observations": "Linha 1\rLinha 2"])

        let response = try world.fixture.send("POST", "/boletas", token: try world.technicianToken(), json: body)

        #expect(
            try Self.errors(response, world) == [
                "patNumber: \(Self.singleLine)", "serviceCode: \(Self.singleLine)", "clientCode: \(Self.singleLine)",
                "entries[0].patNumber: \(Self.singleLine)", "entries[0].history: \(Self.multiLine)",
                "observations: \(Self.multiLine)",
            ])
        #expect(try world.sql("SELECT 1 FROM boleta").isEmpty)
    }

    @Test("Observations and histories keep their LF and CR LF line breaks")
    func lineBreaksAreKeptInMultiLineFields() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        var entry = RecordingWorld.entry("08:00", "09:30")
        entry["history"] = "Passo 1\r\nPasso 2\nPasso 3"
        let recorded = try world.record(world.body(entries: [entry], ["observations": "Linha 1\r\nLinha 2"]))

        #expect(recorded["observations"] as? String == "Linha 1\r\nLinha 2")
        let entries = try #require(recorded["entries"] as? [[String: Any]])
        #expect(entries.first?["history"] as? String == "Passo 1\r\nPasso 2\nPasso 3")
    }

    @Test("A contract's code and description, and a service's code, are single lines")
    func contractTextIsSingleLine() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let contract = try world.fixture.send(
            "POST", "/clients/ABS/contracts", token: try world.supportToken(),
            json: ["code": "C-9\n", "description": "Suporte\r\n2007", "validFrom": "2007-01-01"])
        #expect(
            try Self.errors(contract, world) == ["code: \(Self.singleLine)", "description: \(Self.singleLine)"])
        let service = try world.fixture.send(
            "POST", "/contracts/\(world.contractID)/services", token: try world.supportToken(),
            json: [
                "serviceCode": "HX\u{2029}", "description": "Hora", "hourlyRate": "10.00", "validFrom": "2007-01-01",
            ])
        #expect(try Self.errors(service, world).contains("serviceCode: \(Self.singleLine)"))
    }

    @Test("A signature's observation keeps line breaks and refuses other control characters")
    func aSignatureObservationRefusesControlCharacters() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let boleta = try world.recordForSigning()
        let token = try world.clientToken(world.contact)

        let refused = try world.signOne(
            boleta.number, assertion: try world.assertion(signer: world.contact, [boleta]), token: token,
            ["observation": "Conferido\u{0B}"])
        #expect(try Self.errors(refused, world) == ["observation: The observation \(Self.multiLine)."])
        #expect(try world.status(boleta.number) == "unsigned")

        let signed = try world.signOne(
            boleta.number, assertion: try world.assertion(signer: world.contact, [boleta]), token: token,
            ["observation": "Conferido\r\npelo usuário"])
        #expect(signed.status == 200, "\(signed.text)")
    }

    @Test("A cancellation's reason keeps line breaks and refuses other control characters")
    func aCancellationReasonRefusesControlCharacters() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let number = try #require(try world.record(world.body())["number"] as? Int64)
        try world.sql("UPDATE boleta SET status = 'signed' WHERE number = $1", number)

        let refused = try world.fixture.send(
            "POST", "/boletas/\(number)/cancellation", token: try world.supportToken(), json: ["reason": "Dupla\u{8}"])
        #expect(try Self.errors(refused, world) == ["reason: \(Self.multiLine)"])
        let cancelled = try world.fixture.send(
            "POST", "/boletas/\(number)/cancellation", token: try world.supportToken(),
            json: ["reason": "Duplicada:\nver a boleta seguinte"])
        #expect(cancelled.status == 200, "\(cancelled.text)")
    }
}
