import Foundation
import TestSupport
import Testing

@testable import ApprovalService
@testable import Shared

/// Approval's copy of Identity's clients and users, kept from Identity's events.
struct DirectoryCopyTests {
    @Test("R5 R10 R12 the approver's flag, state and deletion reach Approval from Identity's events")
    func userEventsKeepTheCopyCurrent() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        var summary = UserSummary(
            userId: UUID(), clientCode: "ABS", vendorRole: nil, code: "009", name: "José da Silva",
            email: "jose@example.com", isManager: false, isApprover: false, activeUntil: "2007-03-15")
        func user() throws -> DirectoryUser? {
            try world.running.service.context.pool.withConnection { try DirectoryCopy.user(id: summary.userId, on: $0) }
        }
        try world.publish(UserRegistered(user: summary, sealedInitialPassword: nil, initialPasswordExpiresAt: nil))
        #expect(try user()?.name == "José da Silva")
        #expect(try user()?.isApprover == false)

        summary.isApprover = true
        try world.publish(UserFlagsChanged(user: summary, patNumber: "51590"))
        #expect(try user()?.isApprover == true)

        try world.publish(UserDeactivated(userId: summary.userId, clientCode: "ABS"))
        #expect(try user()?.isActive == false)
        summary.name = "José Silva"
        try world.publish(UserUpdated(user: summary))
        #expect(try user()?.name == "José Silva")
        #expect(try user()?.isActive == false, "only a reactivation makes a user active again")
        try world.publish(UserReactivated(user: summary))
        #expect(try user()?.isActive == true)

        try world.publish(UserDeleted(userId: summary.userId, clientCode: "ABS"))
        #expect(try user()?.isDeleted == true)

        try world.publish(ClientRegistered(code: "QWE", name: "Qwe Ltda", timeZone: "America/Sao_Paulo"))
        try world.publish(ClientUpdated(code: "QWE", name: "Qwe S.A.", timeZone: "America/Sao_Paulo", isActive: false))
        let client = try world.sql("SELECT name, is_active FROM known_client WHERE code = 'QWE'")
        #expect(try client.first?.decode(String.self, "name") == "Qwe S.A.")
        #expect(try client.first?.decode(Bool.self, "is_active") == false)
    }
}
