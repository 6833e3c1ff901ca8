import Foundation
import Testing

@testable import IdentityService
@testable import Shared

/// `GET /staff`: the vendor's staff (R8), found by code and role, one page at a time.
@Suite(.serialized)
struct StaffListTests {
    /// A query string that `GET /staff` refuses, and the parameters its 422 names.
    struct BadFilter: Sendable, CustomTestStringConvertible {
        var query: String
        var fields: Set<String>
        var testDescription: String { "?\(query) names \(fields.sorted())" }
    }

    static let badFilters = [
        BadFilter(query: "code=d51591", fields: ["code"]),
        BadFilter(query: "code=D-51591", fields: ["code"]),
        BadFilter(query: "role=boss", fields: ["role"]),
        BadFilter(query: "role=Technician", fields: ["role"]),
        BadFilter(query: "limit=0", fields: ["limit"]),
        BadFilter(query: "limit=201", fields: ["limit"]),
        BadFilter(query: "limit=ten", fields: ["limit"]),
        BadFilter(query: "offset=-1", fields: ["offset"]),
        BadFilter(query: "role=boss&code=x&offset=-1", fields: ["role", "code", "offset"]),
    ]

    @Test("R8 the staff list holds the vendor's staff as GET /users/{id} shows them, and no client user")
    func theStaffListHoldsEveryStaffMemberAndNoClientUser() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try DirectoryWorld(fixture)
        let registered = try registerStaff(fixture, by: world.support, role: "technician")
        let deleted = try fixture.insertUser(role: .technician).id
        let deletion = try fixture.send("DELETE", "/users/\(deleted)", token: world.support.token)
        #expect(deletion.status == 204)

        let listed = try fixture.send("GET", "/staff", token: world.management.token)

        #expect(listed.status == 200, "\(listed.text)")
        let page = try IdentityFixture.object(listed)
        #expect(page["limit"] as? Int == StaffQuery.defaultLimit)
        #expect(page["offset"] as? Int == 0)
        let items = try #require(page["items"] as? [[String: Any]])
        let expected =
            try [world.support.id, world.technician.id, world.management.id]
            .map { try fixture.column("code", of: $0, as: String.self) } + ["SUPPORT", registered.code]
        #expect(items.compactMap { $0["code"] as? String } == expected.sorted())
        #expect(items.allSatisfy { $0["clientCode"] == nil && $0["vendorRole"] is String && $0["id"] is String })
        let shown = try IdentityFixture.object(
            try fixture.send("GET", "/users/\(registered.id)", token: world.support.token))
        let item = try #require(items.first { $0["id"] as? String == registered.id.uuidString })
        #expect(NSDictionary(dictionary: item) == NSDictionary(dictionary: shown))
        #expect(item["vendorRole"] as? String == "technician")
        #expect(item["mustChangePassword"] as? Bool == true)
    }

    @Test("R8 the staff list filters by exact code and by role, and pages in code order")
    func theStaffListFiltersByCodeAndRoleAndPages() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try DirectoryWorld(fixture)
        let registered = try registerStaff(fixture, by: world.support, role: "management")
        let managementCode = try fixture.column("code", of: world.management.id, as: String.self)
        let technicianCode = try fixture.column("code", of: world.technician.id, as: String.self)
        let every = try codes(fixture, "", token: world.support.token)

        #expect(try codes(fixture, "?code=\(registered.code)", token: world.support.token) == [registered.code])
        #expect(try codes(fixture, "?code=\(registered.code.dropLast())", token: world.support.token) == [])
        #expect(
            try codes(fixture, "?role=management", token: world.management.token)
                == [managementCode, registered.code].sorted())
        #expect(try codes(fixture, "?role=technician", token: world.support.token) == [technicianCode])
        #expect(try codes(fixture, "?role=technician&code=\(managementCode)", token: world.support.token) == [])
        #expect(try codes(fixture, "?role=&code=", token: world.support.token) == every)

        try #require(every.count == 5)
        let page = try fixture.send("GET", "/staff?limit=2&offset=1", token: world.support.token)
        let body = try IdentityFixture.object(page)
        #expect(body["limit"] as? Int == 2)
        #expect(body["offset"] as? Int == 1)
        #expect(try codes(fixture, "?limit=2&offset=1", token: world.support.token) == Array(every[1...2]))
        #expect(try codes(fixture, "?limit=2&offset=4", token: world.support.token) == [every[4]])
        #expect(try codes(fixture, "?offset=5", token: world.support.token) == [])
    }

    @Test("A bad filter of the staff list answers 422 naming it", arguments: badFilters)
    func aBadFilterIsNamedInAProblem(_ filter: BadFilter) throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let support = try fixture.insertUser(role: .support)

        let response = try fixture.send("GET", "/staff?\(filter.query)", token: support.token)

        #expect(response.status == 422, "\(response.text)")
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(try IdentityFixture.invalidFields(response) == filter.fields)
    }

    /// Registers a staff member through `POST /staff`; returns its id and code.
    private func registerStaff(
        _ fixture: IdentityFixture, by support: Caller, role: String
    ) throws -> (id: UUID, code: String) {
        let code = IdentityFixture.uniqueCode("D")
        let body = DirectoryWorld.newUserBody().merging(["code": code, "role": role]) { $1 }
        let response = try fixture.send("POST", "/staff", token: support.token, json: body)
        #expect(response.status == 201, "\(response.text)")
        let id = try #require(UUID(uuidString: try IdentityFixture.object(response)["id"] as? String ?? ""))
        return (id, code)
    }

    /// The codes `GET /staff` answers for `query`, in the order it answers them.
    private func codes(_ fixture: IdentityFixture, _ query: String, token: String?) throws -> [String] {
        let response = try fixture.send("GET", "/staff\(query)", token: token)
        #expect(response.status == 200, "\(query): \(response.text)")
        let items = try #require(try IdentityFixture.object(response)["items"] as? [[String: Any]])
        return items.compactMap { $0["code"] as? String }
    }
}
