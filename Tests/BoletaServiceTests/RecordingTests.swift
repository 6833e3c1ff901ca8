import Foundation
import Testing

@testable import BoletaService
@testable import Shared

/// Recording boletas (R15-R17): numbers, amounts, validation and the content hash.
struct RecordingTests {
    /// The seed's boletas of client ABS by technician D51591, in number order.
    static let seedBoletas: [(number: Int64, date: String, pat: String?, nature: String)] = [
        (100_000_031, "2006-12-15", nil, "notBilled"),
        (100_000_032, "2006-12-20", "51590", "contracted"),
        (100_000_033, "2006-12-03", nil, "billed"),
        (100_000_034, "2006-12-13", nil, "notBilled"),
        (100_000_035, "2006-12-14", "51590", "billed"),
        (100_000_036, "2006-12-21", "51502", "billed"),
        (100_000_037, "2006-12-21", "51505", "billed"),
        (100_000_038, "2006-12-02", "51507", "billed"),
        (100_000_039, "2006-12-10", nil, "notBilled"),
        (100_000_040, "2006-12-11", "51590", "contracted"),
    ]

    @Test func theSeedsBoletasGetTheirNumbersWhenRecordedInOrder() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        for seed in Self.seedBoletas {
            let answer = try world.record(world.body(workDate: seed.date, patNumber: seed.pat, nature: seed.nature))
            #expect(answer["number"] as? Int64 == seed.number)
            #expect(answer["workDate"] as? String == seed.date)
            #expect(answer["nature"] as? String == seed.nature)
            #expect(answer["patNumber"] as? String == seed.pat)
            #expect(answer["status"] as? String == "unsigned")
            #expect(answer["technicianUserId"] as? String == world.technician.uuidString)
        }
        let events = try world.fixture.running.outboxEvents(BoletaRecorded.self)
        #expect(events.map(\.data.boleta.number) == Self.seedBoletas.map(\.number))
        #expect(events.first?.data.boleta.serviceDescription == "HORA PROD. ICMS INSENTO E IPI INSENTO")
        #expect(events.first?.clientCode == "ABS")
    }

    @Test func aRestartNeverMovesTheNumbersBack() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        try world.record(world.body())
        try world.fixture.boleta.prepareBoletaNumbers(environment: Environment(["BOLETA_NUMBER_START": "5"]))
        #expect(try world.record(world.body())["number"] as? Int64 == 100_000_032)
        try world.fixture.boleta.prepareBoletaNumbers(environment: Environment(["BOLETA_NUMBER_START": "200000000"]))
        #expect(try world.record(world.body())["number"] as? Int64 == 200_000_000)
    }

    static let amounts: [(rate: String, entries: [(String, String, String)], amount: String)] = [
        ("123.45", [("08:00", "09:30", "fifty")], "277.76"),
        ("123.45", [("08:00", "09:30", "none")], "185.18"),
        ("123.45", [("08:00", "09:30", "hundred")], "370.35"),
        ("100.00", [("08:00", "08:20", "none")], "33.33"),
        ("100.00", [("08:00", "08:20", "none"), ("09:00", "09:20", "none"), ("10:00", "10:20", "none")], "100.00"),
        ("0.10", [("08:00", "08:45", "fifty")], "0.11"),
        ("80.00", [("08:00", "12:00", "none"), ("18:00", "20:00", "fifty"), ("22:00", "23:00", "hundred")], "720.00"),
        ("99.99", [("00:00", "23:59", "hundred")], "4796.19"),
    ]

    @Test(arguments: amounts)
    func theAmountIsHoursTimesRateTimesOvertimeToTheCentHalfUp(
        rate: String, entries: [(String, String, String)], amount: String
    ) throws {
        let world = try RecordingWorld(rate: rate)
        defer { world.stop() }
        let answer = try world.record(
            world.body(entries: entries.map { RecordingWorld.entry($0.0, $0.1, overtime: $0.2) }))
        #expect(answer["amount"] as? String == amount)
        #expect(answer["hourlyRate"] as? String == RecordingFormats.money(Decimal(string: rate)!))
        let stored = try world.sql("SELECT amount::text FROM boleta")[0].decode(String.self, at: 0)
        #expect(stored == amount)
    }

    @Test("R17 R30 the recorded and changed facts carry the minutes the amount multiplies, without overtime")
    func theFactsCarryTheHours() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let entries = [
            RecordingWorld.entry("13:05", "17:45", overtime: "fifty"), RecordingWorld.entry("08:00", "09:37"),
        ]
        let number = try #require(try world.record(world.body(entries: entries))["number"] as? Int64)
        let changed = try world.fixture.send(
            "PATCH", "/boletas/\(number)", token: try world.technicianToken(),
            json: world.body(entries: [RecordingWorld.entry("00:00", "23:59", overtime: "hundred")]))
        #expect(changed.status == 200, "\(changed.text)")

        let recorded = try #require(try world.fixture.running.outboxEvents(BoletaRecorded.self).first?.data.boleta)
        // 4:40 and 1:37, 377 minutes; the amount is 123.45 × (280 × 1.5 + 97) ÷ 60.
        #expect(recorded.minutes == 377)
        #expect(recorded.amount == "1063.73")
        let change = try #require(try world.fixture.running.outboxEvents(BoletaChanged.self).first?.data.boleta)
        #expect(change.minutes == 1439)
        #expect(change.revision == 2)
    }

    @Test("R30 facts written before the minutes were told still decode, without them")
    func factsWithoutMinutesStillDecode() throws {
        var facts = BoletaFacts(
            number: 1, revision: 1, workDate: "2006-12-02", clientCode: "ABS", contactUserId: UUID(),
            approverUserId: UUID(), technicianUserId: UUID(), serviceCode: "HP", serviceDescription: "Hora",
            patNumber: nil, nature: .billed, amount: "185.18", contentHash: "a", replacesNumber: nil, minutes: 90)
        var object = try #require(
            try JSONSerialization.jsonObject(with: try EventCoding.encoder().encode(facts)) as? [String: Any])
        #expect(object["minutes"] as? Int == 90)
        object.removeValue(forKey: "minutes")
        let older = try EventCoding.decoder().decode(
            BoletaFacts.self, from: try JSONSerialization.data(withJSONObject: object))
        facts.minutes = nil
        #expect(older == facts)
    }

    @Test(arguments: [BoletaRecorded.type, BoletaChanged.type, BoletaDeleted.type, BoletaCancelled.type])
    func mailAndApprovalFollowEveryBoletaEvent(type: String) {
        #expect(SystemTopology.consumers["mail"]?.contains(type) == true)
        #expect(SystemTopology.consumers["approval"]?.contains(type) == true)
    }

    @Test func halfACentRoundsUp() {
        #expect(RecordingFormats.money(Decimal(string: "0.125")!) == "0.13")
        #expect(RecordingFormats.money(Decimal(string: "2.675")!) == "2.68")
        #expect(RecordingFormats.money(Decimal(string: "2.674999")!) == "2.67")
    }

    @Test func eachBadFieldIsNamedInThe422() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let token = try world.technicianToken()
        let stranger = UUID().uuidString
        let response = try world.fixture.send(
            "POST", "/boletas", token: token,
            json: world.body(
                entries: [
                    RecordingWorld.entry("10:00", "09:00"), RecordingWorld.entry("25:00", "26:00"),
                    RecordingWorld.entry("08:00", "09:00", overtime: "triple"),
                ],
                ["workDate": "2006-13-02", "contractId": "nope", "nature": "free", "contactUserId": stranger]))
        #expect(
            try world.invalidFields(response) == [
                "workDate", "contractId", "nature", "entries[0].end", "entries[1].start", "entries[1].end",
                "entries[2].overtime",
            ])
    }

    @Test func overlappingEntriesAndNoEntriesAreRefused() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let token = try world.technicianToken()
        let overlapping = try world.fixture.send(
            "POST", "/boletas", token: token,
            json: world.body(entries: [RecordingWorld.entry("09:00", "10:00"), RecordingWorld.entry("08:00", "09:30")]))
        #expect(try world.invalidFields(overlapping) == ["entries[0].start"])
        let touching = try world.fixture.send(
            "POST", "/boletas", token: token,
            json: world.body(entries: [RecordingWorld.entry("09:00", "10:00"), RecordingWorld.entry("08:00", "09:00")]))
        #expect(touching.status == 201)
        let empty = try world.fixture.send("POST", "/boletas", token: token, json: world.body(entries: []))
        #expect(try world.invalidFields(empty) == ["entries"])
    }

    @Test func peopleAndContractMustBelongToTheClientAndCoverTheDay() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let token = try world.technicianToken()
        let notApprover = try world.fixture.send(
            "POST", "/boletas", token: token,
            json: world.body(["approverUserId": world.plainUser.uuidString, "contactUserId": UUID().uuidString]))
        #expect(try world.invalidFields(notApprover) == ["approverUserId", "contactUserId"])
        let otherClient = try world.fixture.send(
            "POST", "/boletas", token: token, json: world.body(["approverUserId": world.otherClientManager.uuidString]))
        #expect(try world.invalidFields(otherClient) == ["approverUserId"])
        try world.sql("UPDATE known_user SET is_deleted = true WHERE id = $1", world.contact)
        let deleted = try world.fixture.send("POST", "/boletas", token: token, json: world.body())
        #expect(try world.invalidFields(deleted) == ["contactUserId"])
        try world.sql("UPDATE known_user SET is_deleted = false, is_active = false WHERE id = $1", world.contact)
        let inactive = try world.fixture.send("POST", "/boletas", token: token, json: world.body())
        #expect(try world.invalidFields(inactive) == ["contactUserId"])
        try world.sql("UPDATE known_user SET is_active = true WHERE id = $1", world.contact)
        let beforeContract = try world.fixture.send(
            "POST", "/boletas", token: token, json: world.body(workDate: "2005-12-31"))
        #expect(try world.invalidFields(beforeContract) == ["contractId"])
        let unknownService = try world.fixture.send(
            "POST", "/boletas", token: token, json: world.body(["serviceCode": "XX"]))
        #expect(try world.invalidFields(unknownService) == ["serviceCode"])
        try world.sql("UPDATE contract_service SET valid_until = '2006-11-30'")
        let expiredRate = try world.fixture.send("POST", "/boletas", token: token, json: world.body())
        #expect(try world.invalidFields(expiredRate) == ["serviceCode"])
        #expect(try world.sql("SELECT count(*) FROM boleta")[0].decode(Int.self, at: 0) == 0)
    }

    @Test func onlyATechnicianRecordsABoleta() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let support = try world.fixture.send("POST", "/boletas", token: try world.supportToken(), json: world.body())
        #expect(support.status == 403)
        let contact = try world.fixture.token(userID: world.contact, clientCode: "ABS")
        #expect(try world.fixture.send("POST", "/boletas", token: contact, json: world.body()).status == 403)
    }

    @Test func theHashIsStableAndChangesWithAnythingTheSignerSees() throws {
        let base = try BoletaDraft(
            JSONCoding.decode(
                BoletaBody.self,
                from: JSONSerialization.data(withJSONObject: [
                    "clientCode": "ABS", "workDate": "2006-12-02", "contractId": UUID().uuidString, "serviceCode": "HP",
                    "contactUserId": UUID().uuidString, "approverUserId": UUID().uuidString, "nature": "billed",
                    "patNumber": "51507", "observations": "", "entries": [RecordingWorld.entry("08:00", "09:30")],
                ])))
        var draft = base
        draft.hourlyRate = Decimal(string: "123.45")!
        let technician = UUID()
        let hash = try CanonicalBoleta(number: 1, draft: draft, technicianUserID: technician).hash()
        #expect(try CanonicalBoleta(number: 1, draft: draft, technicianUserID: technician).hash() == hash)
        #expect(hash.count == 64)
        var changes: [(String, (inout BoletaDraft) -> Void)] = [
            ("client", { $0.clientCode = "XYZ" }),
            ("date", { $0.workDate = PostgresDate(year: 2006, month: 12, day: 3) }),
            ("contract", { $0.contractID = UUID() }), ("service", { $0.serviceCode = "HQ" }),
            ("description", { $0.serviceDescription = "Other" }), ("contact", { $0.contactUserID = UUID() }),
            ("approver", { $0.approverUserID = UUID() }), ("pat", { $0.patNumber = nil }),
            ("nature", { $0.nature = .contracted }), ("observations", { $0.observations = "x" }),
            ("rate", { $0.hourlyRate = Decimal(string: "123.46")! }), ("replaces", { $0.replacesNumber = 7 }),
            ("start", { $0.entries[0].start += 1 }), ("end", { $0.entries[0].end += 1 }),
            ("history", { $0.entries[0].history += "." }), ("overtime", { $0.entries[0].overtime = .fifty }),
            ("entry pat", { $0.entries[0].patNumber = "51590" }),
        ]
        changes.append(
            ("entries", { $0.entries.append(TimeEntry(start: 600, end: 660, history: "x", overtime: .none)) }))
        for (name, change) in changes {
            var changed = draft
            change(&changed)
            #expect(
                try CanonicalBoleta(number: 1, draft: changed, technicianUserID: technician).hash() != hash, "\(name)")
        }
        #expect(try CanonicalBoleta(number: 2, draft: draft, technicianUserID: technician).hash() != hash)
        #expect(try CanonicalBoleta(number: 1, draft: draft, technicianUserID: UUID()).hash() != hash)
    }
}
