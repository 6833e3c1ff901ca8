import Foundation
import TestSupport
import Testing

@testable import BoletaService
@testable import Shared

/// The service report (R29): who sees which boletas, its filters, order and paging.
struct ReportTests {
    @Test("R29 a manager sees its client's, a user those it is contact of, an approver also those it decided")
    func eachPrincipalSeesExactlyTheBoletasR29Allows() throws {
        let report = try ReportWorld()
        defer { report.stop() }
        let world = report.world
        // The approver of every ABS boleta decided only the second; the manager decided the first.
        try world.sql(
            """
            INSERT INTO approval_outcome (boleta_number, decision, decided_by_user_id, decided_at, decision_changed_at)
            VALUES ($1, 'approve', $2, now(), now()), ($3, 'reject', $4, now(), now())
            """, report.second, world.approver, report.first, world.manager)
        let expectations: [(String, String, Set<Int64>)] = [
            (
                "manager of ABS", try report.token(world.manager, manager: true),
                [report.first, report.second, report.third]
            ),
            ("contact", try report.token(world.contact), [report.first, report.third]),
            ("approver", try report.token(world.approver, approver: true), [report.second]),
            ("another user of ABS", try report.token(report.bystander), []),
            ("plain user as contact", try report.token(world.plainUser), [report.second]),
            (
                "manager of XYZ", try report.token(world.otherClientManager, client: "XYZ", manager: true),
                [report.foreign]
            ),
            ("recording technician", try world.technicianToken(), [report.first, report.third]),
            ("other technician", try world.otherTechnicianToken(), [report.second, report.foreign]),
            ("support", try world.supportToken(), [report.first, report.second, report.third, report.foreign]),
            (
                "management", try world.fixture.token(vendorRole: .management),
                [report.first, report.second, report.third, report.foreign]
            ),
        ]
        for (who, token, expected) in expectations {
            let seen = try report.numbers(token)
            #expect(Set(seen) == expected, "\(who)")
            #expect(seen.count == expected.count, "\(who) sees a boleta twice")
            #expect(!seen.contains(report.deleted), "\(who) sees a deleted boleta")
        }
    }

    @Test func aClientFilterNeverShowsAnotherClientsBoletas() throws {
        let report = try ReportWorld()
        defer { report.stop() }
        let world = report.world
        #expect(try report.numbers(try world.supportToken(), "?clientCode=XYZ") == [report.foreign])
        #expect(try report.numbers(try world.supportToken(), "?clientCode=ABS").count == 3)
        #expect(try report.numbers(try report.token(world.manager, manager: true), "?clientCode=XYZ").isEmpty)
        let xyzManager = try report.token(world.otherClientManager, client: "XYZ", manager: true)
        #expect(try report.numbers(xyzManager, "?clientCode=ABS").isEmpty)
    }

    @Test func aManagerWhoseFlagIdentityRemovedSeesOnlyItsOwn() throws {
        let report = try ReportWorld()
        defer { report.stop() }
        let world = report.world
        try world.sql("UPDATE known_user SET is_manager = false WHERE id = $1", world.contact)
        #expect(
            try Set(report.numbers(try report.token(world.contact, manager: true))) == [report.first, report.third])
    }

    @Test func aReportWithoutATokenAnswers401() throws {
        let report = try ReportWorld()
        defer { report.stop() }
        #expect(try report.world.fixture.send("GET", "/reports/service").status == 401)
        #expect(try report.world.fixture.send("GET", "/reports/service.csv").status == 401)
    }

    @Test func theRowsAreNewestFirstUnlessAscendingIsAskedAndCarryTheBoletasFacts() throws {
        let report = try ReportWorld()
        defer { report.stop() }
        let token = try report.world.supportToken()
        #expect(try report.numbers(token) == [report.foreign, report.third, report.second, report.first])
        #expect(try report.numbers(token, "?sort=asc") == [report.first, report.second, report.third, report.foreign])
        let rows = try report.rows(token, "?status=signed")
        let row = try #require(rows.first)
        #expect(rows.count == 1)
        #expect(row["number"] as? Int64 == report.first)
        #expect(row["workDate"] as? String == "2006-12-01")
        #expect(row["clientCode"] as? String == "ABS")
        #expect(row["patNumber"] as? String == "51507")
        #expect((row["contact"] as? [String: Any])?["name"] as? String == "001")
        #expect((row["contact"] as? [String: Any])?["id"] as? String == report.world.contact.uuidString)
        #expect((row["technician"] as? [String: Any])?["name"] as? String == "D51591")
        #expect(row["serviceDescription"] as? String == "HORA PROD. ICMS INSENTO E IPI INSENTO")
        #expect(row["nature"] as? String == "billed")
        #expect(row["amount"] as? String == "185.18")
        #expect(row["status"] as? String == "signed")
        #expect(row["signedAt"] as? String == "2006-12-01T19:06:40.000Z")
        #expect(row["agreesWithNature"] as? Bool == true)
        let unsigned = try #require(try report.rows(token, "?status=unsigned").first)
        #expect(unsigned["signedAt"] == nil && unsigned["agreesWithNature"] == nil)
    }

    @Test func eachFilterKeepsOnlyTheMatchingBoletas() throws {
        let report = try ReportWorld()
        defer { report.stop() }
        let token = try report.world.supportToken()
        let cases: [(String, [Int64])] = [
            ("?from=2006-12-02&to=2006-12-03", [report.third, report.second]),
            ("?from=2006-12-03", [report.foreign, report.third]),
            ("?to=2006-12-01", [report.first]),
            ("?status=signed", [report.first]),
            ("?status=cancelled", [report.third]),
            ("?status=unsigned", [report.foreign, report.second]),
            ("?patNumber=60000", [report.second]),
            ("?patNumber=99999", []),
            ("?technician=\(report.world.technician.uuidString)", [report.third, report.first]),
            ("?technician=\(report.world.otherTechnician.uuidString)&clientCode=ABS", [report.second]),
            ("?from=2006-12-01&to=2006-12-05&status=unsigned&clientCode=ABS", [report.second]),
        ]
        for (query, expected) in cases {
            #expect(try report.numbers(token, query) == expected, "\(query)")
        }
    }

    @Test func pagesFollowOneAnotherWithoutGapOrRepeat() throws {
        let report = try ReportWorld()
        defer { report.stop() }
        let token = try report.world.supportToken()
        let all = try report.numbers(token)
        #expect(try report.numbers(token, "?limit=2") == Array(all[0..<2]))
        #expect(try report.numbers(token, "?limit=2&offset=2") == Array(all[2..<4]))
        #expect(try report.numbers(token, "?limit=2&offset=4").isEmpty)
        let response = try report.world.fixture.send("GET", "/reports/service?limit=3&offset=1", token: token)
        let page = try report.world.json(response)
        #expect(page["limit"] as? Int == 3 && page["offset"] as? Int == 1)
    }

    @Test func aFilterValueThatIsNotAcceptableAnswers422NamingItsParameter() throws {
        let report = try ReportWorld()
        defer { report.stop() }
        let token = try report.world.supportToken()
        let cases: [(String, String)] = [
            ("from=2006-13-01", "from"), ("to=yesterday", "to"), ("from=2006-12-03&to=2006-12-02", "to"),
            ("status=open", "status"), ("technician=D51591", "technician"), ("limit=0", "limit"),
            ("limit=501", "limit"), ("limit=ten", "limit"), ("offset=-1", "offset"), ("sort=up", "sort"),
        ]
        for (query, field) in cases {
            for path in ["/reports/service", "/reports/service.csv"] {
                let response = try report.world.fixture.send("GET", "\(path)?\(query)", token: token)
                #expect(try report.world.invalidFields(response) == [field], "\(path)?\(query)")
            }
        }
    }
}
