import Foundation
import TestSupport
import Testing

@testable import BoletaService
@testable import Shared

/// A printed boleta as poppler reads it back.
struct PrintedBoleta {
    /// The PDF as served.
    var pdf: Data
    /// The pages poppler counts.
    var pages: Int
    /// The text poppler extracts in its layout (a label and its value on one line), every run of white
    /// space made one space.
    var text: String

    /// The text without any white space, for values a line may break inside (a content hash).
    var compactText: String { text.filter { !$0.isWhitespace } }

    /// Reads `pdf` with `pdfinfo` and `pdftotext`; throws when poppler does not take it for a PDF.
    init(_ pdf: Data) throws {
        self.pdf = pdf
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("boleta-\(UUID()).pdf")
        try pdf.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let info = try Command.run("pdfinfo", [file.path])
        let pagesLine = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }
        pages = Int(pagesLine?.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces) ?? "") ?? 0
        let extracted = try Command.run("pdftotext", ["-layout", "-enc", "UTF-8", file.path, "-"])
        text = extracted.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

extension RecordingWorld {
    /// `GET /boletas/{number}/pdf` with `token`.
    func print(_ number: Int64, token: String?) throws -> HTTPClient.Response {
        try fixture.send("GET", "/boletas/\(number)/pdf", token: token)
    }

    /// The boleta printed for its contact; expects a 200 with a PDF.
    func printed(_ number: Int64) throws -> PrintedBoleta {
        let token = try fixture.token(userID: contact, clientCode: "ABS")
        let response = try print(number, token: token)
        try #require(response.status == 200, "\(response.text.prefix(300))")
        #expect(response.headers["Content-Type"] == "application/pdf")
        return try PrintedBoleta(response.body)
    }

    /// Records a boleta and signs it as its contact, stating `agreesWithNature`; returns its number
    /// and content hash.
    func recordAndSign(
        _ body: [String: Any], agreesWithNature: Bool = true, observation: String = ""
    ) throws -> Recorded {
        let answer = try record(body)
        let recorded = Recorded(
            number: try #require(answer["number"] as? Int64), hash: try #require(answer["contentHash"] as? String))
        let response = try signOne(
            recorded.number, assertion: try assertion(signer: contact, [recorded]), token: try clientToken(contact),
            ["agreesWithNature": agreesWithNature, "observation": observation])
        try #require(response.status == 200, "\(response.text)")
        return recorded
    }
}
