import Foundation
import TestSupport
import Testing

@testable import ApprovalService
@testable import Shared

/// The approver's list (R25, R27), as the seed's "Aprovação Financeira" screen shows it.
@Suite(.serialized)
struct ApprovalScreenTests {
    /// The seed's boletas 100000031 to 100000040: work date, PAT, contact, nature.
    static func seedBoletas(_ world: ApprovalWorld) -> [BoletaFacts] {
        let rows: [(Int64, String, String, UUID, BoletaNature)] = [
            (100_000_031, "2006-12-15", "51590", world.approver, .notBilled),
            (100_000_032, "2006-12-20", "51590", world.approver, .contracted),
            (100_000_033, "2006-12-03", "51507", world.approver, .notBilled),
            (100_000_034, "2006-12-13", "51590", world.approver, .notBilled),
            (100_000_035, "2006-12-14", "51590", world.approver, .billed),
            (100_000_036, "2006-12-21", "51502", world.approver, .billed),
            (100_000_037, "2006-12-21", "51505", world.approver, .billed),
            (100_000_038, "2006-12-02", "51507", world.contact, .billed),
            (100_000_039, "2006-12-01", "51507", world.contact, .notBilled),
            (100_000_040, "2006-12-11", "51590", world.contact, .contracted),
        ]
        return rows.map { number, day, pat, contact, nature in
            world.facts(number, workDate: day, nature: nature, amount: "185.18", contact: contact, patNumber: pat)
        }
    }

    @Test("R25 R27 the seed's approval screen lists its six billed or contracted boletas, oldest first")
    func theSeedsApprovalScreen() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        for facts in Self.seedBoletas(world) { try world.record(facts) }

        let items = try world.items(try world.send("GET", "/approvals", token: try world.approverToken()))

        let screen: [(Int64, String, String, String, String)] = [
            (100_000_038, "2006-12-02", "51507", "ADRIANA", "billed"),
            (100_000_040, "2006-12-11", "51590", "ADRIANA", "contracted"),
            (100_000_035, "2006-12-14", "51590", "FRGERTGRETGR", "billed"),
            (100_000_032, "2006-12-20", "51590", "FRGERTGRETGR", "contracted"),
            (100_000_036, "2006-12-21", "51502", "FRGERTGRETGR", "billed"),
            (100_000_037, "2006-12-21", "51505", "FRGERTGRETGR", "billed"),
        ]
        #expect(items.count == screen.count)
        for (item, (number, day, pat, contact, nature)) in zip(items, screen) {
            #expect(item["number"] as? Int64 == number)
            #expect(item["workDate"] as? String == day, "\(number)")
            #expect(item["patNumber"] as? String == pat, "\(number)")
            #expect((item["contact"] as? [String: Any])?["name"] as? String == contact, "\(number)")
            #expect((item["technician"] as? [String: Any])?["name"] as? String == "D51591", "\(number)")
            #expect(item["serviceDescription"] as? String == "HORA PROD. ICMS INSENTO E IPI INSENTO")
            #expect(item["nature"] as? String == nature, "\(number)")
            #expect(item["isSigned"] as? Bool == false, "\(number): Não Assinado")
            #expect(item["status"] as? String == "pending", "\(number)")
            #expect(item["decision"] == nil, "\(number)")
            #expect(item["amount"] as? String == "185.18")
        }
    }

    @Test("R27 the list filters on status, period and signature, and pages")
    func theListFiltersAndPages() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        for facts in Self.seedBoletas(world) { try world.record(facts) }
        let token = try world.approverToken()
        try world.publish(world.signature(world.facts(100_000_038, contact: world.contact)))
        #expect(try world.decide(100_000_035, "approve", token: token).status == 200)
        #expect(try world.decide(100_000_036, "reject", observation: "Não solicitado", token: token).status == 200)

        func numbers(_ query: String) throws -> [Int64] {
            try world.items(try world.send("GET", "/approvals" + query, token: token)).compactMap {
                $0["number"] as? Int64
            }
        }
        #expect(try numbers("?status=pending") == [100_000_038, 100_000_040, 100_000_032, 100_000_037])
        #expect(try numbers("?status=approved") == [100_000_035])
        #expect(try numbers("?status=rejected") == [100_000_036])
        #expect(try numbers("?signed=true") == [100_000_038])
        #expect(try numbers("?signed=false&from=2006-12-14&to=2006-12-20") == [100_000_035, 100_000_032])
        #expect(try numbers("?limit=2&offset=1") == [100_000_040, 100_000_035])
        let rejected = try #require(
            try world.items(try world.send("GET", "/approvals?status=rejected", token: token)).first)
        #expect(rejected["decision"] as? String == "reject")
        #expect(rejected["decisionObservation"] as? String == "Não solicitado")
        #expect(rejected["decidedAt"] as? String != nil)

        for (query, field) in [
            ("status=open", "status"), ("signed=yes", "signed"), ("from=2006-02-30", "from"),
            ("from=2006-12-03&to=2006-12-02", "to"), ("limit=0", "limit"), ("offset=x", "offset"),
        ] {
            let response = try world.send("GET", "/approvals?\(query)", token: token)
            #expect(try world.invalidFields(response) == [field], "\(query)")
        }
    }

    @Test("R25 another approver's list holds none of these, and another client's approver sees nothing of ABS")
    func eachApproverSeesOnlyItsOwn() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let mine = try world.recordNew()
        let theirs = try world.recordNew(approver: world.otherApprover)
        func numbers(_ token: String) throws -> [Int64] {
            try world.items(try world.send("GET", "/approvals", token: token)).compactMap { $0["number"] as? Int64 }
        }
        #expect(try numbers(try world.approverToken()) == [mine.number])
        #expect(try numbers(try world.otherApproverToken()) == [theirs.number])
        #expect(try numbers(try world.otherClientManagerToken()).isEmpty)
    }
}
