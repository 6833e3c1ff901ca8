import Foundation
import Testing

@testable import IdentityService
@testable import Shared

/// Ways for the session tests to set up users and log them in.
extension IdentityFixture {
    /// Inserts a user (and its client, when new) straight into the schema, with `password` hashed
    /// as Identity hashes it, and returns its id.
    @discardableResult
    func insertUser(
        email: String, password: String, client: String? = "ACME", vendorRole: VendorRole? = nil,
        isApprover: Bool = false, mustChangePassword: Bool = false, initialPasswordExpiresAt: Date? = nil,
        isActive: Bool = true, name: String = "Maria Silva"
    ) throws -> UUID {
        let id = UUID()
        let hash = try identity.hasher.hash(password)
        try service.context.pool.withTransaction { connection in
            if let client {
                try connection.execute(
                    "INSERT INTO client (code, name) VALUES ($1, $1) ON CONFLICT (code) DO NOTHING", client)
            }
            try connection.execute(
                """
                INSERT INTO app_user (id, client_code, vendor_role, code, name, email, is_approver, password_hash,
                    must_change_password, initial_password_expires_at, is_active, active_until)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, current_date + 90)
                """, id, client, vendorRole?.rawValue, String(id.uuidString.prefix(8)), name, email, isApprover, hash,
                mustChangePassword, initialPasswordExpiresAt, isActive)
        }
        return id
    }

    /// Logs in and returns the answer's body; fails the test unless it is 200.
    func logIn(_ email: String, _ password: String) throws -> [String: Any] {
        let response = try send("POST", "/sessions", json: ["email": email, "password": password])
        #expect(response.status == 200, "\(response.text)")
        return try Self.object(response)
    }

    /// Logs in and returns the access and refresh tokens.
    func tokens(_ email: String, _ password: String) throws -> (access: String, refresh: String) {
        let body = try logIn(email, password)
        return (try #require(body["accessToken"] as? String), try #require(body["refreshToken"] as? String))
    }

    /// A verifier of access tokens with the fixture's public key.
    var accessTokenVerifier: TokenVerifier {
        TokenVerifier(publicKey: signingKey.publicKey, audience: service.context.configuration.jwtAudience)
    }

    /// The problem type of an answer, such as `/problems/unauthorized`.
    static func problemType(_ response: HTTPClient.Response) throws -> String? {
        try object(response)["type"] as? String
    }
}
