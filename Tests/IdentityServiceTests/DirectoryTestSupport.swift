import Foundation
import Testing

@testable import IdentityService
@testable import Shared

/// Someone who calls the endpoints: a user inserted straight into the schema, with a token.
struct Caller: Sendable {
    var id: UUID
    var token: String?
}

extension IdentityFixture {
    /// A code no other test uses.
    static func uniqueCode(_ prefix: String) -> String {
        prefix + UUID().uuidString.prefix(6).uppercased().filter { $0 != "-" }
    }

    /// Today in São Paulo by the fixture's clock.
    var today: PostgresDate { PostgresDate(clock.now, in: ScheduledJob.defaultTimeZone) }

    /// Inserts a client without going through the endpoint; returns its code.
    @discardableResult
    func insertClient(_ code: String = uniqueCode("C"), name: String = "A&D TESTE DA QUALIDADE LTDA") throws -> String {
        try service.context.pool.withConnection { connection in
            _ = try connection.execute("INSERT INTO \(schema).client (code, name) VALUES ($1, $2)", code, name)
        }
        return code
    }

    /// Inserts a client user or a vendor staff member, active until `activeUntil`, and mints its token.
    func insertUser(
        client: String? = nil, role: VendorRole? = nil, manager: Bool = false, approver: Bool = false,
        activeUntil: PostgresDate? = nil, name: String = "Ana Souza"
    ) throws -> Caller {
        let id = UUID()
        let until = activeUntil ?? (client == nil ? nil : today.adding(days: 90))
        try service.context.pool.withConnection { connection in
            _ = try connection.execute(
                """
                INSERT INTO \(schema).app_user (
                    id, client_code, vendor_role, code, name, email, is_manager, is_approver, must_change_password,
                    active_until)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, false, $9)
                """, id, client, role?.rawValue, Self.uniqueCode("U"), name,
                "u\(id.uuidString.prefix(8).lowercased())@example.com", manager, approver, until)
        }
        return Caller(
            id: id, token: try token(for: id, client: client, role: role, manager: manager, approver: approver))
    }

    /// An access token as Identity would issue it, valid for ten minutes from the real clock.
    func token(
        for id: UUID, client: String?, role: VendorRole?, manager: Bool = false, approver: Bool = false
    ) throws -> String {
        let claims = AccessClaims(
            userID: id, audience: "support", issuedAt: Date(), lifetime: .seconds(600), clientCode: client,
            isManager: manager, isApprover: approver, vendorRole: role)
        return try JSONWebToken.sign(claims: claims, key: signingKey)
    }

    /// One column of one user's row, read straight from the schema.
    func column<T: PostgresDecodable>(_ column: String, of user: UUID, as type: T.Type) throws -> T {
        try service.context.pool.withConnection { connection in
            try connection.query("SELECT \(column) FROM \(schema).app_user WHERE id = $1", user)[0]
                .decode(type, at: 0)
        }
    }

    /// The field names of a 422 problem document.
    static func invalidFields(_ response: HTTPClient.Response) throws -> Set<String> {
        let errors = try #require(try object(response)["errors"] as? [[String: Any]], "\(response.text)")
        return Set(errors.compactMap { $0["field"] as? String })
    }
}

/// A small world of two clients and the vendor's staff, for access tests.
struct DirectoryWorld {
    let fixture: IdentityFixture
    let clientA: String
    let clientB: String
    let support: Caller
    let technician: Caller
    let management: Caller
    let managerA: Caller
    let managerB: Caller
    let approverA: Caller
    let plainA: Caller

    init(_ fixture: IdentityFixture) throws {
        self.fixture = fixture
        clientA = try fixture.insertClient()
        clientB = try fixture.insertClient()
        support = try fixture.insertUser(role: .support)
        technician = try fixture.insertUser(role: .technician)
        management = try fixture.insertUser(role: .management)
        managerA = try fixture.insertUser(client: clientA, manager: true)
        managerB = try fixture.insertUser(client: clientB, manager: true)
        approverA = try fixture.insertUser(client: clientA, approver: true)
        plainA = try fixture.insertUser(client: clientA)
    }

    /// A new plain user of client A, for a request that changes or deletes it.
    func freshUserOfA() throws -> UUID {
        try fixture.insertUser(client: clientA).id
    }

    /// The body of a valid registration of a user with fresh code and e-mail.
    static func newUserBody() -> [String: Any] {
        let code = String(Int.random(in: 100...999_999))
        return [
            "code": code, "jobFunctionCode": "00", "jobTitle": "PRESIDENTE", "name": "Bruno Lima",
            "email": "new\(UUID().uuidString.prefix(8))@example.com", "birthday": "1980-05-17",
            "phone": "+55 11 5555-0100",
        ]
    }
}
