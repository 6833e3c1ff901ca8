import Foundation
import TestSupport
import Testing

@testable import BoletaService
@testable import Shared

struct BoletaOpenAPITests {
    @Test func theDocumentsDescribeExactlyTheEndpointsBoletaServes() throws {
        let fixture = try BoletaFixture()
        defer { fixture.stop() }
        let served = Set(fixture.service.endpoints)
        let platform = try OpenAPIDocument.endpoints(["platform"]).filter { $0.method != "HEAD" }
        let boleta = try OpenAPIDocument.endpoints(["boleta"]).filter { $0.method != "HEAD" }
        #expect(!boleta.isEmpty, "boleta.yaml documents no endpoint")
        #expect(platform.isDisjoint(with: boleta), "documented in both files: \(platform.intersection(boleta))")
        let documented = platform.union(boleta)
        #expect(
            served.subtracting(documented).isEmpty,
            "served but not documented: \(served.subtracting(documented).map(\.description).sorted())")
        #expect(
            documented.subtracting(served).isEmpty,
            "documented but not served: \(documented.subtracting(served).map(\.description).sorted())")
    }
}
