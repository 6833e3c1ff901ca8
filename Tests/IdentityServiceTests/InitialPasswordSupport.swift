import Foundation
import Testing

@testable import IdentityService
@testable import Shared

/// A client with a manager and a support account, whose users get their initial passwords
/// through the endpoints, as Mail would read them.
struct InitialPasswordWorld {
    let fixture: IdentityFixture
    let client: String
    let support: Caller
    let manager: Caller

    init(fixture: IdentityFixture) throws {
        self.fixture = fixture
        client = try fixture.insertClient()
        support = try fixture.insertUser(role: .support)
        manager = try fixture.insertUser(client: client, manager: true)
    }

    /// Registers a plain user of the client as support would; returns its id, e-mail and password.
    func register() throws -> (id: UUID, email: String, password: String) {
        let body = DirectoryWorld.newUserBody()
        let response = try fixture.send("POST", "/clients/\(client)/users", token: support.token, json: body)
        #expect(response.status == 201, "\(response.text)")
        let text = try #require(try IdentityFixture.object(response)["id"] as? String)
        let id = try #require(UUID(uuidString: text))
        let event = try #require(try fixture.registrations().last { $0.data.user.userId == id })
        let email = try #require(body["email"] as? String)
        return (id, email, try open(event.data.sealedInitialPassword))
    }

    /// Asks for a new initial password for `user` as `caller`; answers the response.
    func reissue(_ user: UUID, by caller: Caller) throws -> HTTPClient.Response {
        try fixture.send("POST", "/users/\(user)/initial-password", token: caller.token)
    }

    /// The latest initial password issued to `user`, opened with Mail's secret key.
    func reissuedPassword(of user: UUID) throws -> String {
        let event = try #require(
            try fixture.outboxEvents(InitialPasswordIssued.self).last { $0.data.user.userId == user })
        return try open(event.data.sealedInitialPassword)
    }

    /// Every sealed initial password of the outbox, as Mail receives them.
    func sealedPasswords() throws -> [String] {
        try fixture.registrations().compactMap(\.data.sealedInitialPassword)
            + fixture.outboxEvents(InitialPasswordIssued.self).compactMap(\.data.sealedInitialPassword)
    }

    /// Logs in; answers the response, whatever its status.
    func logIn(_ email: String, _ password: String) throws -> HTTPClient.Response {
        try fixture.send("POST", "/sessions", json: ["email": email, "password": password])
    }

    private func open(_ sealed: String?) throws -> String {
        let box = try Sodium.base64URLDecode(try #require(sealed))
        return String(decoding: try SealedBox.open(box, with: fixture.mailKeys), as: UTF8.self)
    }
}
