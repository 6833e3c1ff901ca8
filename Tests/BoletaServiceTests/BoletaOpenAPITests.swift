import Foundation
import TestSupport
import Testing

@testable import BoletaService
@testable import Shared

struct BoletaOpenAPITests {
    @Test func theDocumentsDescribeExactlyTheEndpointsBoletaServes() throws {
        let fixture = try BoletaFixture()
        defer { fixture.stop() }
        let comparison = try OpenAPIComparison(served: fixture.service.endpoints, service: "boleta")
        #expect(!comparison.ownDocumented.isEmpty, "boleta.yaml documents no endpoint")
        #expect(comparison.documentedTwice.isEmpty, "documented in both files: \(comparison.documentedTwice)")
        #expect(comparison.undocumented.isEmpty, "served but not documented: \(comparison.undocumented)")
        #expect(comparison.unserved.isEmpty, "documented but not served: \(comparison.unserved)")
    }
}
