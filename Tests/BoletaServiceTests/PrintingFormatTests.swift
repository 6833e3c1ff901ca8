import Foundation
import TestSupport
import Testing

@testable import BoletaService
@testable import Shared

/// The Brazilian formats of the printed boleta, and the PDF writer's own behaviour (R31).
struct PrintingFormatTests {
    @Test(
        "R31 amounts print in reais with a thousands dot and a decimal comma",
        arguments: [
            ("0", "R$ 0,00"), ("0.05", "R$ 0,05"), ("123.45", "R$ 123,45"), ("1234.56", "R$ 1.234,56"),
            ("1000000", "R$ 1.000.000,00"), ("277.765", "R$ 277,77"), ("-1234.5", "-R$ 1.234,50"),
        ])
    func amountsPrintInReais(_ value: String, _ printed: String) throws {
        let amount = try #require(Decimal(string: value, locale: Locale(identifier: "en_US_POSIX")))
        #expect(PrintFormats.money(amount) == printed)
    }

    @Test("R31 dates print as dd/MM/yyyy, times in the client's zone, hours as h:mm")
    func datesAndHoursPrintTheBrazilianWay() throws {
        #expect(PrintFormats.date(PostgresDate(year: 2006, month: 12, day: 2)) == "02/12/2006")
        let zone = try #require(TimeZone(identifier: "America/Sao_Paulo"))
        // 2006-07-01T12:00:00Z: no daylight saving in July, UTC−3.
        #expect(
            PrintFormats.timestamp(Date(timeIntervalSince1970: 1_151_755_200), in: zone)
                == "01/07/2006 09:00:00 (America/Sao_Paulo)")
        #expect(PrintFormats.hours(90) == "1:30")
        #expect(PrintFormats.hours(605) == "10:05")
    }

    @Test("R31 a paragraph taller than a page continues on the next pages, each page numbered")
    func aTallParagraphBreaksAcrossPages() throws {
        let document = try PDFDocument(title: "Teste", footer: "Documento de teste")
        let lines = (1...150).map { "Linha \($0) com acentuação" }
        try document.paragraph(lines.joined(separator: "\n"))
        let pdf = try document.finish()

        let printed = try PrintedBoleta(pdf)
        #expect(printed.pages == document.pageCount)
        #expect(printed.pages >= 2)
        #expect(printed.text.contains("Linha 1 com acentuação"))
        #expect(printed.text.contains("Linha 150 com acentuação"))
        #expect(printed.text.contains("Documento de teste — página \(printed.pages)"))
        for number in [1, 75, 150] {
            #expect(printed.text.components(separatedBy: "Linha \(number) com").count == 2, "line \(number) once")
        }
    }

    @Test("R31 a finished document refuses more text")
    func aFinishedDocumentRefusesMoreText() throws {
        let document = try PDFDocument(title: "Teste", footer: "Teste")
        try document.paragraph("Única página")
        _ = try document.finish()
        #expect(throws: DocumentError.self) { try document.paragraph("Tarde demais") }
        #expect(throws: DocumentError.self) { try document.finish() }
    }
}
