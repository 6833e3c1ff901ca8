import Foundation
import TestSupport
import Testing

@testable import ApprovalService
@testable import Shared

struct ApprovalOpenAPITests {
    @Test func theDocumentsDescribeExactlyTheEndpointsApprovalServes() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let comparison = try OpenAPIComparison(served: world.running.service.endpoints, service: "approval")
        #expect(!comparison.ownDocumented.isEmpty, "approval.yaml documents no endpoint")
        #expect(comparison.documentedTwice.isEmpty, "documented in both files: \(comparison.documentedTwice)")
        #expect(comparison.undocumented.isEmpty, "served but not documented: \(comparison.undocumented)")
        #expect(comparison.unserved.isEmpty, "documented but not served: \(comparison.unserved)")
    }
}
