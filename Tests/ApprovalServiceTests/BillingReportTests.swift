import Foundation
import TestSupport
import Testing

@testable import ApprovalService
@testable import Shared

/// The billing report (R30): who sees what, the resolved nature, and totals to the cent.
@Suite(.serialized)
struct BillingReportTests {
    /// `GET /reports/billing` with `query` as `token`'s holder.
    static func report(_ world: ApprovalWorld, _ token: String, _ query: String = "") throws -> [String: Any] {
        let response = try world.send("GET", "/reports/billing" + query, token: token)
        try #require(response.status == 200, "\(response.text)")
        return try world.json(response)
    }

    static func numbers(_ report: [String: Any]) -> [Int64] {
        (report["items"] as? [[String: Any]] ?? []).compactMap { $0["number"] as? Int64 }
    }

    static func totals(_ report: [String: Any], _ key: String) -> [String: String] {
        let totals = report[key] as? [[String: Any]] ?? []
        return Dictionary(
            uniqueKeysWithValues: totals.compactMap { total in
                (total["key"] as? String).map { ($0, total["amount"] as? String ?? "") }
            })
    }

    @Test("R30 totals by nature and by month add up to the cent, exactly")
    func totalsToTheCent() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        // Ten cents three times is not 0.30000000000000004 here.
        let amounts: [(String, BoletaNature, String)] = [
            ("2006-11-30", .billed, "0.10"), ("2006-12-01", .billed, "0.10"), ("2006-12-02", .contracted, "0.10"),
            ("2006-12-14", .billed, "277.76"), ("2006-12-20", .contracted, "1234567.89"),
            ("2006-12-21", .notBilled, "999.99"), ("2007-01-02", .billed, "0.01"),
        ]
        var numbers: [Int64] = []
        for (day, nature, amount) in amounts {
            numbers.append(try world.recordNew(workDate: day, nature: nature, amount: amount).number)
        }

        let report = try Self.report(world, try world.managerToken())

        #expect(Self.numbers(report) == [0, 1, 2, 3, 4, 6].map { numbers[$0] })
        #expect(Self.totals(report, "totalsByNature") == ["billed": "277.97", "contracted": "1234567.99"])
        #expect(
            Self.totals(report, "totalsByMonth") == ["2006-11": "0.10", "2006-12": "1234845.85", "2007-01": "0.01"])
        let total = try #require(report["total"] as? [String: Any])
        #expect(total["amount"] as? String == "1234845.96")
        #expect(total["count"] as? Int == 6)
        let december = try Self.report(world, try world.managerToken(), "?from=2006-12-01&to=2006-12-31&limit=1")
        #expect(Self.numbers(december) == [numbers[1]])
        #expect((december["total"] as? [String: Any])?["amount"] as? String == "1234845.85")
    }

    /// The totals of `key` (`totalsByNature`, `totalsByMonth`) as key: minutes and hours.
    static func hourTotals(_ report: [String: Any], _ key: String) -> [String: String] {
        let totals = report[key] as? [[String: Any]] ?? []
        return Dictionary(
            uniqueKeysWithValues: totals.compactMap { total in
                (total["key"] as? String).map {
                    ($0, "\(total["minutes"] as? Int ?? -1) \(total["hours"] as? String ?? "")")
                }
            })
    }

    @Test("R30 each row shows its hours, and the totals sum them to the minute by nature, by month and in all")
    func hoursAndTheirTotalsToTheMinute() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let boletas: [(String, BoletaNature, Int)] = [
            ("2006-11-30", .billed, 7), ("2006-12-01", .billed, 90), ("2006-12-02", .contracted, 1439),
            ("2006-12-14", .billed, 45), ("2006-12-21", .notBilled, 600), ("2007-01-02", .contracted, 1),
        ]
        var numbers: [Int64] = []
        for (day, nature, minutes) in boletas {
            numbers.append(try world.recordNew(workDate: day, nature: nature, minutes: minutes).number)
        }

        let report = try Self.report(world, try world.managerToken())

        let items = report["items"] as? [[String: Any]] ?? []
        #expect(items.compactMap { $0["number"] as? Int64 } == [0, 1, 2, 3, 5].map { numbers[$0] })
        #expect(items.compactMap { $0["minutes"] as? Int } == [7, 90, 1439, 45, 1])
        #expect(items.compactMap { $0["hours"] as? String } == ["0:07", "1:30", "23:59", "0:45", "0:01"])
        #expect(Self.hourTotals(report, "totalsByNature") == ["billed": "142 2:22", "contracted": "1440 24:00"])
        #expect(
            Self.hourTotals(report, "totalsByMonth")
                == ["2006-11": "7 0:07", "2006-12": "1574 26:14", "2007-01": "1 0:01"])
        let total = try #require(report["total"] as? [String: Any])
        #expect(total["minutes"] as? Int == 1582)
        #expect(total["hours"] as? String == "26:22")
        #expect(total["countWithoutHours"] as? Int == 0)
        // The approver's list shows the same hours.
        let list = try world.items(world.send("GET", "/approvals", token: try world.approverToken()))
        #expect(list.compactMap { $0["hours"] as? String } == ["0:07", "1:30", "23:59", "0:45", "0:01"])
        #expect(list.compactMap { $0["minutes"] as? Int } == [7, 90, 1439, 45, 1])
    }

    @Test("R30 a boleta whose events told no hours shows none and is counted apart, until a change tells them")
    func aBoletaWithoutHours() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let told = try world.recordNew(workDate: "2006-12-01", minutes: 30)
        let older = try world.recordNew(workDate: "2006-12-02", minutes: nil)

        let before = try Self.report(world, try world.managerToken())

        let rows = before["items"] as? [[String: Any]] ?? []
        #expect(rows.map { $0["number"] as? Int64 } == [told.number, older.number])
        #expect(rows.last?["minutes"] == nil && rows.last?["hours"] == nil)
        let total = try #require(before["total"] as? [String: Any])
        #expect(total["count"] as? Int == 2)
        #expect(total["minutes"] as? Int == 30)
        #expect(total["countWithoutHours"] as? Int == 1)

        var changed = older
        changed.revision = 2
        changed.minutes = 75
        try world.publish(BoletaChanged(boleta: changed))
        let after = try #require(try Self.report(world, try world.managerToken())["total"] as? [String: Any])
        #expect(after["minutes"] as? Int == 105)
        #expect(after["hours"] as? String == "1:45")
        #expect(after["countWithoutHours"] as? Int == 0)
    }

    @Test("R30 facts whose minutes are not a time within one day are parked with the reason")
    func impossibleMinutesAreParked() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        for minutes in [-1, 1441] {
            let facts = world.facts(world.newNumber(), minutes: minutes)
            try world.running.publish(BoletaRecorded(boleta: facts), producer: "boleta")
            let parked = try world.eventually {
                try !world.sql("SELECT 1 FROM parked_event WHERE reason LIKE '%minutes ' || $1 || '%'", "\(minutes)")
                    .isEmpty
            }
            #expect(parked, "minutes \(minutes) parked")
            #expect(try world.revision(of: facts.number) == nil)
        }
    }

    @Test("R28 R30 the report shows the decision and uses the resolved nature")
    func theReportUsesTheResolvedNature() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let kept = try world.recordNew(workDate: "2006-12-01", nature: .billed, amount: "100.00")
        let changed = try world.recordNew(workDate: "2006-12-02", nature: .billed, amount: "50.00")
        #expect(try world.decide(kept.number, "approve", token: world.approverToken()).status == 200)
        try world.publish(world.signature(changed, agrees: false))
        let id = try #require(try world.published(DivergenceRaised.self).first?.divergenceId)
        let resolution = try world.send(
            "POST", "/divergences/\(id)/resolution", token: try world.managementToken(),
            json: ["outcome": "change", "nature": "contracted", "note": "Projeto contratado"])
        #expect(resolution.status == 200)

        let report = try Self.report(world, try world.managerToken())
        let items = report["items"] as? [[String: Any]] ?? []
        #expect(items.count == 2)
        #expect(items.first?["decision"] as? String == "approve")
        #expect(items.first?["status"] as? String == "approved")
        #expect(items.last?["nature"] as? String == "billed")
        #expect(items.last?["resolvedNature"] as? String == "contracted")
        #expect(items.last?["isSigned"] as? Bool == true)
        #expect(Self.totals(report, "totalsByNature") == ["billed": "100.00", "contracted": "50.00"])
    }

    @Test("R8 R30 a manager sees its client's, an approver what it decided, support and management all, else 403")
    func eachPrincipalSeesWhatR30Allows() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let decided = try world.recordNew(workDate: "2006-12-01")
        let undecided = try world.recordNew(workDate: "2006-12-02")
        let byOther = try world.recordNew(workDate: "2006-12-03", approver: world.otherApprover)
        let xyz = try world.recordNew(
            workDate: "2006-12-04", contact: world.xyzContact, approver: world.otherClientManager, clientCode: "XYZ")
        #expect(try world.decide(decided.number, "approve", token: world.approverToken()).status == 200)
        #expect(try world.decide(byOther.number, "reject", token: world.otherApproverToken()).status == 200)

        let abs = [decided.number, undecided.number, byOther.number]
        let cases: [(String, String, [Int64])] = [
            ("manager of ABS", try world.managerToken(), abs),
            ("approver", try world.approverToken(), [decided.number]),
            ("other approver", try world.otherApproverToken(), [byOther.number]),
            ("manager of XYZ", try world.otherClientManagerToken(), [xyz.number]),
            ("approver of XYZ", try world.token(world.xyzApprover, clientCode: "XYZ", isApprover: true), []),
            ("support", try world.supportToken(), abs + [xyz.number]),
            ("management", try world.managementToken(), abs + [xyz.number]),
            // Every boleta here was recorded by the same technician (see the test of two technicians).
            ("technician", try world.technicianToken(), abs + [xyz.number]),
        ]
        for (who, token, expected) in cases {
            #expect(Self.numbers(try Self.report(world, token)) == expected, "\(who)")
        }
        #expect(Self.numbers(try Self.report(world, try world.otherClientManagerToken(), "?clientCode=ABS")).isEmpty)
        #expect(Self.numbers(try Self.report(world, try world.supportToken(), "?clientCode=XYZ")) == [xyz.number])
        let plain = try world.token(world.plainUser, clientCode: "ABS")
        #expect(try world.send("GET", "/reports/billing", token: plain).status == 403)
        #expect(try world.send("GET", "/reports/billing.csv", token: plain).status == 403)
        #expect(try world.send("GET", "/reports/billing").status == 401)
        // A manager whose flag Identity removed no longer sees the whole client.
        try world.sql("UPDATE known_user SET is_manager = false WHERE id = $1", world.manager)
        #expect(try world.send("GET", "/reports/billing", token: world.managerToken()).status == 403)
    }

    @Test("R8 a technician sees in the billing report, and its CSV, only the boletas it recorded, of any client")
    func aTechnicianSeesOnlyWhatItRecorded() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let second = UUID()
        try world.sql(
            """
            INSERT INTO known_user (id, vendor_role, code, name, email) VALUES ($1, 'technician', 'D60000', 'D60000',
                'x@example.com')
            """, second)
        let mine = try world.recordNew(workDate: "2006-12-01", amount: "150.00")
        let mineOfXYZ = try world.recordNew(
            workDate: "2006-12-02", contact: world.xyzContact, approver: world.otherClientManager, clientCode: "XYZ")
        var facts = world.facts(world.newNumber(), workDate: "2006-12-03", amount: "4600.00")
        facts.technicianUserId = second
        try world.record(facts)
        let firstToken = try world.technicianToken()
        let secondToken = try world.token(second, vendorRole: .technician)

        let first = try Self.report(world, firstToken)
        #expect(Self.numbers(first) == [mine.number, mineOfXYZ.number])
        #expect((first["total"] as? [String: Any])?["amount"] as? String == "335.18")
        let other = try Self.report(world, secondToken)
        #expect(Self.numbers(other) == [facts.number])
        #expect((other["total"] as? [String: Any])?["amount"] as? String == "4600.00")
        #expect(Self.numbers(try Self.report(world, secondToken, "?clientCode=XYZ")).isEmpty)
        let csv = try world.send("GET", "/reports/billing.csv", token: secondToken)
        #expect(csv.status == 200)
        let rows = csv.text.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
        #expect(rows.map { $0.prefix { $0 != "," } } == ["\(facts.number)"])
        #expect(Self.numbers(try Self.report(world, try world.supportToken())).count == 3)
    }

    @Test("R30 the CSV export holds every row, RFC 4180, with formulas neutralised")
    func theCSVExport() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        var facts = world.facts(world.newNumber(), workDate: "2006-12-14", amount: "277.76")
        facts.serviceDescription = "=HYPERLINK(\"http://x\"), consultoria"
        try world.record(facts)

        let response = try world.send("GET", "/reports/billing.csv", token: try world.managerToken())

        #expect(response.status == 200)
        #expect(response.headers["Content-Type"]?.hasPrefix("text/csv") == true)
        let lines = response.text.components(separatedBy: "\r\n")
        #expect(lines.first == ApprovalService.billingCSVHeader.joined(separator: ","))
        #expect(lines.count == 3 && lines.last == "")
        #expect(
            lines[1]
                == "\(facts.number),2006-12-14,ABS,51507,ADRIANA,D51591,\"'=HYPERLINK(\"\"http://x\"\"), consultoria\","
                + "billed,billed,277.76,1:30,90,false,pending,")
        let invalid = try world.send("GET", "/reports/billing.csv?to=2006-13-01", token: try world.managerToken())
        #expect(try world.invalidFields(invalid) == ["to"])
    }
}
