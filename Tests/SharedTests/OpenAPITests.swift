import Foundation
import TestSupport
import Testing

@testable import Shared

struct OpenAPITests {
    @Test func thePlatformDocumentDescribesExactlyTheEndpointsEveryServiceServes() throws {
        let fixture = try ServiceFixture()
        defer { fixture.stop() }
        let served = Set(fixture.service.endpoints)
        let documented = try OpenAPIDocument.endpoints(["platform"]).filter { $0.method != "HEAD" }
        #expect(documented.count >= 5)
        #expect(served.subtracting(documented).isEmpty, "served but not documented")
        #expect(documented.subtracting(served).isEmpty, "documented but not served")
    }
}
