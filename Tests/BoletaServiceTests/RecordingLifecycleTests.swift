import Foundation
import Testing

@testable import BoletaService
@testable import Shared

/// Who sees a boleta, and how it changes, goes and is cancelled (R18).
struct RecordingLifecycleTests {
    @Test func theRecordingTechnicianChangesAnUnsignedBoletaWithANewHashAndRevision() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let recorded = try world.record(world.body())
        let number = try #require(recorded["number"] as? Int64)
        let changed = try world.fixture.send(
            "PATCH", "/boletas/\(number)", token: try world.technicianToken(),
            json: world.body(entries: [RecordingWorld.entry("08:00", "10:00")]))
        #expect(changed.status == 200, "\(changed.text)")
        let answer = try world.json(changed)
        #expect(answer["revision"] as? Int == 2)
        #expect(answer["amount"] as? String == "246.90")
        #expect(answer["contentHash"] as? String != recorded["contentHash"] as? String)
        let unchanged = try world.fixture.send(
            "PATCH", "/boletas/\(number)", token: try world.technicianToken(),
            json: world.body(entries: [RecordingWorld.entry("08:00", "10:00")]))
        #expect(try world.json(unchanged)["contentHash"] as? String == answer["contentHash"] as? String)
        let events = try world.fixture.running.outboxEvents(BoletaChanged.self)
        #expect(events.map(\.data.boleta.revision) == [2, 3])
        let invalid = try world.fixture.send(
            "PATCH", "/boletas/\(number)", token: try world.technicianToken(), json: world.body(entries: []))
        #expect(try world.invalidFields(invalid) == ["entries"])
    }

    @Test func theStoredHashIsTheHashOfTheBoletaAsReadBack() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let entries = [
            RecordingWorld.entry("13:05", "17:45", overtime: "fifty"), RecordingWorld.entry("08:00", "12:00"),
        ]
        let recorded = try world.record(world.body(entries: entries, ["observations": "Nota fiscal / ICMS"]))
        let number = try #require(recorded["number"] as? Int64)
        let record = try #require(
            try world.fixture.service.context.pool.withConnection {
                try world.fixture.boleta.loadBoleta(number, on: $0)
            })
        let recomputed = CanonicalBoleta(number: number, draft: record.draft, technicianUserID: world.technician)
        #expect(try recomputed.hash() == recorded["contentHash"] as? String)
        #expect(record.draft.entries.map(\.start) == [785, 480])
        let shown = try world.json(world.fixture.send("GET", "/boletas/\(number)", token: try world.technicianToken()))
        #expect(shown["contentHash"] as? String == recorded["contentHash"] as? String)
        #expect(shown["amount"] as? String == recorded["amount"] as? String)
    }

    @Test func anotherTechnicianNeitherSeesNorChangesNorDeletesTheBoleta() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let number = try #require(try world.record(world.body())["number"] as? Int64)
        let other = try world.otherTechnicianToken()
        #expect(try world.fixture.send("GET", "/boletas/\(number)", token: other).status == 404)
        #expect(try world.fixture.send("PATCH", "/boletas/\(number)", token: other, json: world.body()).status == 404)
        #expect(try world.fixture.send("DELETE", "/boletas/\(number)", token: other).status == 404)
        #expect(try world.sql("SELECT revision FROM boleta")[0].decode(Int.self, at: 0) == 1)
    }

    @Test("R29 the boleta is seen by its technician, contact, manager and staff; not by its approver before deciding")
    func theBoletaIsSeenByItsPeopleAndStaffButNotByOtherClients() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let number = try #require(try world.record(world.body())["number"] as? Int64)
        let allowed = [
            try world.technicianToken(), try world.supportToken(),
            try world.fixture.token(vendorRole: .management),
            try world.fixture.token(userID: world.contact, clientCode: "ABS"),
            try world.fixture.token(userID: world.manager, clientCode: "ABS", isManager: true),
        ]
        for token in allowed {
            #expect(try world.fixture.send("GET", "/boletas/\(number)", token: token).status == 200)
        }
        let refused = [
            try world.fixture.token(userID: world.plainUser, clientCode: "ABS"),
            try world.fixture.token(userID: world.approver, clientCode: "ABS", isApprover: true),
            try world.fixture.token(userID: world.otherClientManager, clientCode: "XYZ", isManager: true),
        ]
        for token in refused {
            #expect(try world.fixture.send("GET", "/boletas/\(number)", token: token).status == 404)
        }
    }

    @Test func aSignedBoletaIsNeitherChangedNorDeleted() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let number = try #require(try world.record(world.body())["number"] as? Int64)
        try world.sql("UPDATE boleta SET status = 'signed' WHERE number = $1", number)
        let token = try world.technicianToken()
        #expect(try world.fixture.send("PATCH", "/boletas/\(number)", token: token, json: world.body()).status == 409)
        #expect(try world.fixture.send("DELETE", "/boletas/\(number)", token: token).status == 409)
        #expect(try world.fixture.send("GET", "/boletas/\(number)", token: token).status == 200)
    }

    @Test func theTechnicianDeletesAnUnsignedBoletaSoftly() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let number = try #require(try world.record(world.body())["number"] as? Int64)
        let token = try world.technicianToken()
        #expect(try world.fixture.send("DELETE", "/boletas/\(number)", token: token).status == 204)
        #expect(try world.fixture.send("GET", "/boletas/\(number)", token: token).status == 404)
        #expect(
            try world.sql("SELECT count(*) FROM boleta WHERE deleted_at IS NOT NULL")[0].decode(Int.self, at: 0) == 1)
        #expect(try world.fixture.running.outboxEvents(BoletaDeleted.self).map(\.data.number) == [number])
    }

    @Test func onlySupportCancelsASignedBoletaWithAReasonAndItsReplacementRefersToIt() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let number = try #require(try world.record(world.body())["number"] as? Int64)
        let support = try world.supportToken()
        let path = "/boletas/\(number)/cancellation"
        #expect(try world.fixture.send("POST", path, token: support, json: ["reason": "Wrong date"]).status == 409)
        try world.sql("UPDATE boleta SET status = 'signed' WHERE number = $1", number)
        let replacement = try world.record(world.body(workDate: "2006-12-03", ["replacesNumber": number]))
        let replacementNumber = try #require(replacement["number"] as? Int64)
        #expect(replacement["replacesNumber"] as? Int64 == number)
        let technician = try world.technicianToken()
        #expect(try world.fixture.send("POST", path, token: technician, json: ["reason": "x"]).status == 403)
        #expect(try world.invalidFields(world.fixture.send("POST", path, token: support, json: [:])) == ["reason"])
        let cancelled = try world.fixture.send(
            "POST", path, token: support, json: ["reason": "Wrong date", "replacementNumber": replacementNumber])
        #expect(cancelled.status == 200, "\(cancelled.text)")
        let answer = try world.json(cancelled)
        #expect(answer["status"] as? String == "cancelled")
        #expect(answer["cancelReason"] as? String == "Wrong date")
        #expect(answer["replacementNumber"] as? Int64 == replacementNumber)
        #expect(try world.fixture.send("POST", path, token: support, json: ["reason": "again"]).status == 409)
        let event = try #require(try world.fixture.running.outboxEvents(BoletaCancelled.self).first)
        #expect(event.data.number == number && event.data.replacementNumber == replacementNumber)
    }

    @Test func aReplacementMustReferToASignedBoletaOfTheSameClient() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let number = try #require(try world.record(world.body())["number"] as? Int64)
        let response = try world.fixture.send(
            "POST", "/boletas", token: try world.technicianToken(), json: world.body(["replacesNumber": number]))
        #expect(try world.invalidFields(response) == ["replacesNumber"])
    }
}
