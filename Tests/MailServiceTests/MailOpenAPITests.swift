import Foundation
import TestSupport
import Testing

@testable import MailService
@testable import Shared

struct MailOpenAPITests {
    @Test func theDocumentsDescribeExactlyTheEndpointsMailServes() throws {
        let fixture = try MailFixture(smtpPort: try SMTPSink.freePort())
        defer { fixture.stop() }
        let comparison = try OpenAPIComparison(served: fixture.service.endpoints, service: "mail")
        #expect(!comparison.ownDocumented.isEmpty, "mail.yaml documents no endpoint")
        #expect(comparison.documentedTwice.isEmpty, "documented in both files: \(comparison.documentedTwice)")
        #expect(comparison.undocumented.isEmpty, "served but not documented: \(comparison.undocumented)")
        #expect(comparison.unserved.isEmpty, "documented but not served: \(comparison.unserved)")
    }
}
