import Foundation
import TestSupport
import Testing

@testable import IdentityService
@testable import Shared

struct IdentityOpenAPITests {
    @Test func theDocumentsDescribeExactlyTheEndpointsIdentityServes() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let comparison = try OpenAPIComparison(served: fixture.service.endpoints, service: "identity")
        #expect(!comparison.ownDocumented.isEmpty, "identity.yaml documents no endpoint")
        #expect(comparison.documentedTwice.isEmpty, "documented in both files: \(comparison.documentedTwice)")
        #expect(comparison.undocumented.isEmpty, "served but not documented: \(comparison.undocumented)")
        #expect(comparison.unserved.isEmpty, "documented but not served: \(comparison.unserved)")
    }
}
