import Testing
@testable import Shared
struct LoggerTests {
    @Test func aLineIsOneJSONObjectWithSortedMetadata() throws {
        let sink = MemoryLogSink()
        let logger = Logger(label: "test", level: .debug, sink: sink).with(["request.id": "abc"])
        logger.info("Hello \"world\"\n", metadata: ["b": "2"])
        logger.trace("not written")
        #expect(sink.lines.count == 1)
        let object = try JSONSerialization.jsonObject(with: Data(sink.lines[0].utf8)) as? [String: String]
        #expect(object?["msg"] == "Hello \"world\"\n")
        #expect(object?["request.id"] == "abc")
        #expect(object?["level"] == "info")
    }
}
import Foundation
