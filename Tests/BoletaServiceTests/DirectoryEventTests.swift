import Foundation
import Testing

@testable import BoletaService
@testable import Shared

/// Boleta's copy of Identity's clients and users, kept from Identity's events.
struct DirectoryEventTests {
    private func knownUser(_ id: UUID, _ fixture: BoletaFixture) throws -> DirectoryUser? {
        try fixture.service.context.pool.withConnection { try DirectoryCopy.user(id: id, on: $0) }
    }

    private func client(_ code: String, _ fixture: BoletaFixture) throws -> (name: String, isActive: Bool)? {
        try fixture.service.context.pool.withConnection { connection in
            try connection.query(
                "SELECT name, is_active FROM \(fixture.schema).known_client WHERE code = $1", code
            ).map { (try $0.decode(String.self, "name"), try $0.decode(Bool.self, "is_active")) }.first
        }
    }

    @Test func clientEventsRegisterAndThenUpdateTheClient() throws {
        let fixture = try BoletaFixture()
        defer { fixture.stop() }
        try fixture.running.publish(ClientRegistered(code: "ABS", name: "Abs Ltda", timeZone: "America/Sao_Paulo"))
        #expect(try PatTestSupport.eventually { try client("ABS", fixture)?.name == "Abs Ltda" })
        #expect(try client("ABS", fixture)?.isActive == true)

        try fixture.running.publish(
            ClientUpdated(code: "ABS", name: "Abs S.A.", timeZone: "America/Sao_Paulo", isActive: false))
        #expect(try PatTestSupport.eventually { try client("ABS", fixture)?.name == "Abs S.A." })
        #expect(try client("ABS", fixture)?.isActive == false)
    }

    @Test func userEventsKeepTheUserCurrentAndADeletedUserKeepsItsRow() throws {
        let fixture = try BoletaFixture()
        defer { fixture.stop() }
        var summary = PatTestSupport.user(code: "001")
        let id = summary.userId
        try fixture.running.publish(PatTestSupport.registration(summary))
        #expect(try PatTestSupport.eventually { try knownUser(id, fixture) != nil })
        let registered = try #require(try knownUser(id, fixture))
        #expect(registered.clientCode == "ABS" && registered.code == "001" && registered.name == "User 001")
        #expect(registered.isActive && !registered.isDeleted && !registered.isManager)

        summary.isManager = true
        try fixture.running.publish(UserFlagsChanged(user: summary, patNumber: "2026-000001"))
        #expect(try PatTestSupport.eventually { try knownUser(id, fixture)?.isManager == true })

        summary.email = "new@example.com"
        try fixture.running.publish(UserUpdated(user: summary))
        #expect(try PatTestSupport.eventually { try knownUser(id, fixture)?.email == "new@example.com" })

        try fixture.running.publish(UserDeactivated(userId: id, clientCode: "ABS"))
        #expect(try PatTestSupport.eventually { try knownUser(id, fixture)?.isActive == false })
        // An update while inactive does not make the user active again; only a reactivation does.
        summary.name = "Renamed"
        try fixture.running.publish(UserUpdated(user: summary))
        #expect(try PatTestSupport.eventually { try knownUser(id, fixture)?.name == "Renamed" })
        #expect(try knownUser(id, fixture)?.isActive == false)

        try fixture.running.publish(UserReactivated(user: summary))
        #expect(try PatTestSupport.eventually { try knownUser(id, fixture)?.isActive == true })

        try fixture.running.publish(UserDeleted(userId: id, clientCode: "ABS"))
        #expect(try PatTestSupport.eventually { try knownUser(id, fixture)?.isDeleted == true })
        let byCode = try fixture.service.context.pool.withConnection {
            try DirectoryCopy.user(clientCode: "ABS", code: "001", on: $0)
        }
        #expect(byCode?.id == id)
        #expect(byCode?.isDeleted == true)
    }

    @Test func anUpdateForAUserNotYetKnownInsertsIt() throws {
        let fixture = try BoletaFixture()
        defer { fixture.stop() }
        let staff = PatTestSupport.user(client: nil, code: "D51591", vendorRole: .technician)
        try fixture.running.publish(UserUpdated(user: staff))
        #expect(try PatTestSupport.eventually { try knownUser(staff.userId, fixture) != nil })
        let user = try #require(try knownUser(staff.userId, fixture))
        #expect(user.vendorRole == .technician)
        #expect(user.clientCode == nil)
        #expect(user.isActive)
    }

    @Test func aUserKnownByCodeIsFoundWithinItsClientOnly() throws {
        let fixture = try BoletaFixture()
        defer { fixture.stop() }
        let abs = PatTestSupport.user(client: "ABS", code: "001")
        let other = PatTestSupport.user(client: "XYZ", code: "001")
        try fixture.running.publish(PatTestSupport.registration(abs))
        try fixture.running.publish(PatTestSupport.registration(other))
        #expect(try PatTestSupport.eventually { try knownUser(other.userId, fixture) != nil })
        #expect(try PatTestSupport.eventually { try knownUser(abs.userId, fixture) != nil })
        let found = try fixture.service.context.pool.withConnection { connection in
            (
                try DirectoryCopy.user(clientCode: "ABS", code: "001", on: connection)?.id,
                try DirectoryCopy.user(clientCode: "XYZ", code: "001", on: connection)?.id,
                try DirectoryCopy.user(clientCode: "ABS", code: "002", on: connection)?.id
            )
        }
        #expect(found.0 == abs.userId)
        #expect(found.1 == other.userId)
        #expect(found.2 == nil)
    }
}
