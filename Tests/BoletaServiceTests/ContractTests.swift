import Foundation
import Testing

@testable import BoletaService
@testable import Shared

/// Vendor support's contracts and hourly rates.
struct ContractTests {
    @Test func supportRecordsAContractAndItsRatesExactly() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let support = try world.supportToken()
        let created = try world.fixture.send(
            "POST", "/clients/ABS/contracts", token: support,
            json: ["code": "C-2007", "description": "Suporte 2007", "validFrom": "2007-01-01"])
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(try world.json(created)["id"] as? String)
        let asText = try world.fixture.send(
            "POST", "/contracts/\(id)/services", token: support,
            json: ["serviceCode": "HP", "description": "Hora", "hourlyRate": "0.10", "validFrom": "2007-01-01"])
        #expect(asText.status == 201, "\(asText.text)")
        let asNumber = try world.fixture.send(
            "POST", "/contracts/\(id)/services", token: support,
            json: [
                "serviceCode": "HN", "description": "Hora noturna", "hourlyRate": 1234567.89, "validFrom": "2007-01-01",
            ])
        #expect(asNumber.status == 201, "\(asNumber.text)")
        let rates = try world.sql(
            "SELECT hourly_rate::text FROM contract_service WHERE contract_id = $1 ORDER BY service_code",
            UUID(uuidString: id)!
        ).map { try $0.decode(String.self, at: 0) }
        #expect(rates == ["1234567.89", "0.10"])
        let services = try world.json(asNumber)["services"] as? [[String: Any]]
        #expect(services?.compactMap { $0["hourlyRate"] as? String } == ["1234567.89", "0.10"])
    }

    @Test func badContractsAndRatesAreNamedAndDuplicatesConflict() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let support = try world.supportToken()
        let bad = try world.fixture.send(
            "POST", "/clients/ABS/contracts", token: support,
            json: ["code": "", "description": "x", "validFrom": "2007-02-30"])
        #expect(try world.invalidFields(bad) == ["code", "validFrom"])
        let duplicate = try world.fixture.send(
            "POST", "/clients/ABS/contracts", token: support,
            json: ["code": "C-2006", "description": "x", "validFrom": "2007-01-01"])
        #expect(duplicate.status == 409)
        let path = "/contracts/\(world.contractID)/services"
        for rate in ["123.456", "-1", "abc"] as [Any] {
            let response = try world.fixture.send(
                "POST", path, token: support,
                json: ["serviceCode": "HQ", "description": "x", "hourlyRate": rate, "validFrom": "2006-01-01"])
            #expect(try world.invalidFields(response) == ["hourlyRate"])
        }
        let backwards = try world.fixture.send(
            "POST", path, token: support,
            json: [
                "serviceCode": "HQ", "description": "x", "hourlyRate": "1", "validFrom": "2006-02-01",
                "validUntil": "2006-01-01",
            ])
        #expect(try world.invalidFields(backwards) == ["validUntil"])
        let again = try world.fixture.send(
            "POST", path, token: support,
            json: ["serviceCode": "HP", "description": "x", "hourlyRate": "1", "validFrom": "2006-01-01"])
        #expect(again.status == 409)
        let unknownClient = try world.fixture.send(
            "POST", "/clients/NOPE/contracts", token: support,
            json: ["code": "C", "description": "x", "validFrom": "2007-01-01"])
        #expect(unknownClient.status == 404)
    }

    @Test func staffAndTheClientsManagersReadContractsButNoOneElse() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let readers = [
            try world.supportToken(), try world.technicianToken(), try world.fixture.token(vendorRole: .management),
            try world.fixture.token(userID: world.manager, clientCode: "ABS", isManager: true),
        ]
        for token in readers {
            let response = try world.fixture.send("GET", "/clients/ABS/contracts", token: token)
            #expect(response.status == 200)
            let list = try JSONSerialization.jsonObject(with: response.body) as? [[String: Any]]
            #expect(list?.first?["code"] as? String == "C-2006")
        }
        let plain = try world.fixture.token(userID: world.plainUser, clientCode: "ABS")
        #expect(try world.fixture.send("GET", "/clients/ABS/contracts", token: plain).status == 403)
        let otherManager = try world.fixture.token(userID: world.otherClientManager, clientCode: "XYZ", isManager: true)
        #expect(try world.fixture.send("GET", "/clients/ABS/contracts", token: otherManager).status == 404)
        let technician = try world.technicianToken()
        let create = try world.fixture.send(
            "POST", "/clients/ABS/contracts", token: technician,
            json: ["code": "C", "description": "x", "validFrom": "2007-01-01"])
        #expect(create.status == 403)
    }
}
