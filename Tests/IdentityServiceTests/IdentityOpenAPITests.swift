import Foundation
import TestSupport
import Testing

@testable import IdentityService
@testable import Shared

struct IdentityOpenAPITests {
    @Test func theDocumentsDescribeExactlyTheEndpointsIdentityServes() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let served = Set(fixture.service.endpoints)
        let platform = try OpenAPIDocument.endpoints(["platform"]).filter { $0.method != "HEAD" }
        let identity = try OpenAPIDocument.endpoints(["identity"]).filter { $0.method != "HEAD" }
        #expect(!identity.isEmpty, "identity.yaml documents no endpoint")
        #expect(platform.isDisjoint(with: identity), "documented in both files: \(platform.intersection(identity))")
        let documented = platform.union(identity)
        #expect(
            served.subtracting(documented).isEmpty,
            "served but not documented: \(served.subtracting(documented).map(\.description).sorted())")
        #expect(
            documented.subtracting(served).isEmpty,
            "documented but not served: \(documented.subtracting(served).map(\.description).sorted())")
    }
}
