import Foundation
import TestSupport
import Testing

@testable import BoletaService
@testable import Shared

/// The service report as CSV: RFC 4180 quoting, no formula a spreadsheet would run, a download.
struct ReportCSVTests {
    static let header =
        "number,workDate,clientCode,patNumber,contactId,contactName,technicianId,technicianName,"
        + "serviceDescription,nature,amount,status,signedAt,agreesWithNature,decision,resolvedNature"

    @Test(arguments: [
        ("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"),
        ("\rx", "\"'\rx\""), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("line 1\nline 2", "\"line 1\nline 2\""), ("line 1\r\nline 2", "\"line 1\r\nline 2\""),
        ("João Araújo", "João Araújo"), ("plain", "plain"), ("", ""), ("a=b", "a=b"),
        ("=\"x\",y", "\"'=\"\"x\"\",y\""),
    ])
    func aFieldIsQuotedAndNeutralisedAsNeeded(value: String, written: String) {
        #expect(ReportCSV.field(value) == written)
    }

    @Test("A cell starting with a line break is neutralised like one starting with a formula")
    func aCellStartingWithALineBreakIsNeutralised() {
        #expect(ReportCSV.field("\n=7+7") == "\"'\n=7+7\"")
        #expect(ReportCSV.field("\r\n=7+7") == "\"'\r\n=7+7\"")
        #expect(ReportCSV.field("\r=7+7") == "\"'\r=7+7\"")
    }

    @Test func theExportIsADownloadWithTheExactHeaderRowAndOneLinePerBoleta() throws {
        let report = try ReportWorld()
        defer { report.stop() }
        let response = try report.world.fixture.send(
            "GET", "/reports/service.csv?clientCode=ABS", token: try report.world.supportToken())
        #expect(response.status == 200, "\(response.text)")
        #expect(response.headers["Content-Type"] == "text/csv; charset=utf-8")
        #expect(response.headers["Content-Disposition"] == "attachment; filename=\"service-report.csv\"")
        #expect(response.text.hasPrefix(Self.header + "\r\n"))
        #expect(response.headers["X-Report-Truncated"] == nil)
        let rows = CSVReader.rows(response.text)
        #expect(rows.count == 4)
        #expect(rows.dropFirst().map { Int64($0[0]) } == [report.third, report.second, report.first])
        let signed = try #require(rows.last)
        #expect(
            signed == [
                String(report.first), "2006-12-01", "ABS", "51507", report.world.contact.uuidString.lowercased(), "001",
                report.world.technician.uuidString.lowercased(), "D51591", "HORA PROD. ICMS INSENTO E IPI INSENTO",
                "billed", "185.18", "signed", "2006-12-01T19:06:40.000Z", "true", "", "",
            ])
        #expect(rows.allSatisfy { $0.count == 16 })
    }

    @Test func namesWithQuotesCommasLinesAndAccentsComeBackAsTheyWereAndFormulasNeverRun() throws {
        let report = try ReportWorld()
        defer { report.stop() }
        let world = report.world
        let contactName = "João Araújo, \"o chefe\"\nsegunda linha"
        try world.sql("UPDATE known_user SET name = $1 WHERE id = $2", contactName, world.contact)
        try world.sql("UPDATE known_user SET name = '=SUM(A1)' WHERE id = $1", world.technician)
        try world.sql("UPDATE known_user SET name = '@x' WHERE id = $1", world.plainUser)
        let response = try world.fixture.send(
            "GET", "/reports/service.csv?clientCode=ABS&sort=asc", token: try world.supportToken())
        #expect(response.status == 200, "\(response.text)")
        let rows = CSVReader.rows(response.text)
        try #require(rows.count == 4, "\(response.text)")
        #expect(rows[1][5] == contactName)
        #expect(rows[1][7] == "'=SUM(A1)")
        #expect(rows[2][5] == "'@x")
        #expect(!response.text.contains(",=") && !response.text.contains(",@"))
    }

    @Test func theExportHasNoPageLimitAndKeepsTheFilters() throws {
        let report = try ReportWorld()
        defer { report.stop() }
        let token = try report.world.supportToken()
        let all = CSVReader.rows(
            try report.world.fixture.send("GET", "/reports/service.csv?limit=1", token: token).text)
        #expect(all.count == 5)
        let unsigned = CSVReader.rows(
            try report.world.fixture.send("GET", "/reports/service.csv?status=unsigned", token: token).text)
        #expect(unsigned.dropFirst().map { Int64($0[0]) } == [report.foreign, report.second])
        let bystander = CSVReader.rows(
            try report.world.fixture.send(
                "GET", "/reports/service.csv", token: try report.token(report.bystander)
            ).text)
        #expect(bystander == [Self.header.components(separatedBy: ",")])
    }

    @Test func anExportPastTenThousandRowsIsCutThereAndSaysSo() throws {
        let report = try ReportWorld()
        defer { report.stop() }
        let world = report.world
        try world.sql(
            """
            INSERT INTO boleta (number, client_code, work_date, contract_id, service_code, contact_user_id,
                approver_user_id, technician_user_id, nature, hourly_rate, amount, content_hash)
            SELECT nextval('boleta_number'), 'ABS', '2006-11-01', $1, 'HP', $2, $3, $4, 'billed', 1, 1, 'x'
            FROM generate_series(1, $5::integer)
            """, world.contractID, world.contact, world.approver, world.technician,
            BoletaService.serviceReportCSVMaxRows)
        let token = try world.supportToken()
        let cut = try world.fixture.send("GET", "/reports/service.csv", token: token)
        #expect(cut.status == 200)
        #expect(cut.headers["X-Report-Truncated"] == "true")
        #expect(CSVReader.rows(cut.text).count == BoletaService.serviceReportCSVMaxRows + 1)
        let whole = try world.fixture.send("GET", "/reports/service.csv?status=signed", token: token)
        #expect(whole.headers["X-Report-Truncated"] == nil)
        #expect(CSVReader.rows(whole.text).count == 2)
    }
}
