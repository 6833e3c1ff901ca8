import Foundation
import Testing

@testable import Shared

/// How `Request.decode` and ``TextRules`` answer bodies that are not what a handler expects.
struct RequestDecodeTests {
    private struct Body: Decodable {
        var number: Int64
        var amount: Decimal?
        var entries: [Entry]?

        struct Entry: Decodable {
            var minutes: Int
        }
    }

    private static func request(_ body: String) -> Request {
        Request(
            method: "POST", path: "/", headers: ["Content-Type": "application/json"], body: Data(body.utf8),
            logger: Logger(label: "test", level: .warning, sink: MemoryLogSink()))
    }

    private static func failure(_ body: String) -> HTTPError? {
        do {
            _ = try request(body).decode(Body.self)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        (#"{"number":100000065.5}"#, "number"), (#"{"number":99999999999999999999999}"#, "number"),
        (#"{"number":1e30}"#, "number"),
        (#"{"number":1,"entries":[{"minutes":2},{"minutes":2.5}]}"#, "entries[1].minutes"),
        (#"{"number":1.5,"amount":12.34}"#, "number"),
    ])
    func aNumberThatIsNotAWholeNumberOfItsFieldIsNamedNotCalledInvalidJSON(body: String, field: String) throws {
        let error = try #require(Self.failure(body))
        #expect(error.status == 400)
        #expect(error.code == .malformed)
        #expect(error.fieldErrors.map(\.field) == [field])
        #expect(error.detail?.contains("'\(field)'") == true, "\(error)")
        #expect(error.detail?.contains("not valid JSON") == false)
    }

    @Test func aDecimalFieldStillTakesAFractionAndBrokenJSONIsStillCalledSo() throws {
        let body = try Self.request(#"{"number":7,"amount":12.34}"#).decode(Body.self)
        #expect(body.number == 7)
        #expect(body.amount == Decimal(string: "12.34"))
        let broken = try #require(Self.failure(#"{"number":1.5"#))
        #expect(broken.detail == "The body is not valid JSON.")
        #expect(broken.fieldErrors.isEmpty)
    }

    @Test(
        "Single-line text refuses C0 control characters, DEL and the Unicode line and paragraph separators",
        arguments: [
            "Nome\r\nBcc: x@evil.example", "a\nb", "a\rb", "a\tb", "a\u{0}b", "a\u{1F}b", "a\u{7F}b",
            "a\u{2028}b", "a\u{2029}b",
        ])
    func singleLineTextRefusesControlCharacters(text: String) {
        #expect(!TextRules.isSingleLine(text))
        #expect(
            TextRules.singleLineError("name", text)
                == HTTPError.FieldError(field: "name", message: TextRules.singleLineMessage))
    }

    @Test(
        "Multi-line text keeps LF and CR LF line breaks and refuses every other control character",
        arguments: [
            ("line 1\nline 2", true), ("line 1\r\nline 2\r\n", true), ("João — ação", true),
            ("a\rb", false), ("a\r", false), ("a\tb", false), ("a\u{0}b", false), ("a\u{7F}b", false),
            ("a\u{2028}b", false), ("a\u{2029}b", false),
        ])
    func multiLineTextKeepsLineBreaksOnly(text: String, accepted: Bool) {
        #expect(TextRules.isMultiLine(text) == accepted)
        #expect((TextRules.multiLineError("observations", text) == nil) == accepted)
        #expect(TextRules.isSingleLine("João Araújo, São Paulo"))
    }
}
