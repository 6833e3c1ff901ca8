import Foundation
import Testing

@testable import IdentityService
@testable import Shared

/// Who calls, in the access matrix.
enum MatrixCaller: String, CaseIterable, Sendable {
    case support, technician, management
    /// A manager of client ABS, the client every target belongs to.
    case managerOfABS
    /// A manager of another client.
    case managerOfOther
    /// An approver of ABS that is not its manager.
    case approverOfABS
    /// A user of ABS with no flag.
    case plainUserOfABS
    /// A plain user of ABS still on its initial password.
    case mustChangePassword
    /// A manager of ABS inactivated in the database (R10) whose token is not yet revoked: the
    /// caller with the most powers to lose.
    case inactiveManagerOfABS
    /// Nobody: no access token, unknown credentials, an unknown refresh token.
    case noToken
}

/// A caller made for one cell: a user with a password and the tokens Identity issued it.
struct MatrixSession: Sendable {
    var id: UUID
    var email: String
    var password: String
    var accessToken: String?
    var refreshToken: String
}

/// What one cell sends: a path and, maybe, a JSON body.
struct MatrixRequest {
    var path: String
    var json: [String: Any]?

    init(_ path: String, json: [String: Any]? = nil) {
        self.path = path
        self.json = json
    }
}

/// One Identity with client ABS and another client, shared by every cell; each cell makes its
/// own caller and its own target, so that the cells do not depend on one another.
final class MatrixWorld: Sendable {
    /// The world of the running suite, set by ``MatrixWorldScope``.
    @TaskLocal static var current: MatrixWorld?

    static let password = "matrix password 4711 wide"
    let fixture: IdentityFixture
    let abs = "ABS"
    let other = "OTHER"

    init() throws {
        fixture = try IdentityFixture()
        do {
            try fixture.insertClient(abs)
            try fixture.insertClient(other)
        } catch {
            fixture.stop()
            throw error
        }
    }

    /// A new caller of `kind`, with a password and the tokens a login would have given it.
    func session(_ kind: MatrixCaller) throws -> MatrixSession {
        switch kind {
        case .support: return try session(role: .support)
        case .technician: return try session(role: .technician)
        case .management: return try session(role: .management)
        case .managerOfABS: return try session(client: abs, manager: true)
        case .managerOfOther: return try session(client: other, manager: true)
        case .approverOfABS: return try session(client: abs, approver: true)
        case .plainUserOfABS: return try session(client: abs)
        case .mustChangePassword: return try session(client: abs, mustChangePassword: true)
        case .inactiveManagerOfABS: return try session(client: abs, manager: true, isActive: false)
        case .noToken:
            return MatrixSession(
                id: UUID(), email: "nobody\(UUID().uuidString.prefix(8))@example.com", password: Self.password,
                accessToken: nil, refreshToken: Sodium.randomToken())
        }
    }

    /// A new plain user of ABS, as the target of a request that changes or deletes it.
    func freshUserOfABS() throws -> UUID {
        try session(client: abs).id
    }

    private func session(
        client: String? = nil, role: VendorRole? = nil, manager: Bool = false, approver: Bool = false,
        mustChangePassword: Bool = false, isActive: Bool = true
    ) throws -> MatrixSession {
        let id = UUID()
        let email = "m\(id.uuidString.prefix(8).lowercased())@example.com"
        let hash = try fixture.identity.hasher.hash(Self.password)
        // An inactivated user's date has passed; the others run one cycle from today.
        let until = client == nil ? nil : fixture.today.adding(days: isActive ? 90 : -1)
        let tokens = try fixture.service.context.pool.withTransaction { connection -> SessionTokens in
            try connection.execute(
                """
                INSERT INTO app_user (id, client_code, vendor_role, code, name, email, is_manager, is_approver,
                    password_hash, must_change_password, is_active, active_until)
                VALUES ($1, $2, $3, $4, 'Ana Souza', $5, $6, $7, $8, $9, $10, $11)
                """, id, client, role?.rawValue, IdentityFixture.uniqueCode("M"), email, manager, approver, hash,
                mustChangePassword, isActive, until)
            let user = try #require(try UserQueries.find(id: id, on: connection))
            // Issued as a login would have, before an inactivation made logging in impossible.
            return try fixture.identity.issueTokens(for: user, now: fixture.clock.now, on: connection)
        }
        return MatrixSession(
            id: id, email: email, password: Self.password, accessToken: tokens.accessToken,
            refreshToken: tokens.refreshToken)
    }

    /// A parked event waiting to be replayed; returns its id.
    func parkedEvent() throws -> Int64 {
        try fixture.service.context.pool.withConnection { connection in
            try connection.query(
                """
                INSERT INTO parked_event (event_type, exchange, routing_key, body, reason, attempts)
                VALUES ('matrix.test', $1, 'matrix.test', $2, 'left here by a test', 1) RETURNING id
                """, fixture.exchange, Data("{}".utf8))[0].decode(Int64.self, at: 0)
        }
    }

    /// A signature request body for `password`, optionally naming the signer by `email`.
    static func assertionBody(password: String, email: String? = nil) -> [String: Any] {
        var body: [String: Any] = [
            "boletas": [["number": Int64.random(in: 1...999_999), "contentHash": String(repeating: "ab", count: 32)]],
            "password": password,
        ]
        if let email { body["email"] = email }
        return body
    }
}

/// Builds one ``MatrixWorld`` for the suite it is given to and stops it after the last test.
struct MatrixWorldScope: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let world = try MatrixWorld()
        defer { world.fixture.stop() }
        try await MatrixWorld.$current.withValue(world) { try await function() }
    }
}

extension Trait where Self == MatrixWorldScope {
    /// One shared ``MatrixWorld`` for the suite.
    static var matrixWorld: Self { Self() }
}
