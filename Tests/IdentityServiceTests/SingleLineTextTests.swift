import Foundation
import Testing

@testable import IdentityService
@testable import Shared

/// Every text field of Identity is a single line: no control character, no line or paragraph
/// separator, which would fake lines in the e-mails and break the mail parsers that read them.
@Suite(.serialized)
struct SingleLineTextTests {
    static let message = "must be a single line without control characters"

    /// The fields of a 422 problem document that carry `message`.
    private static func fields(
        _ response: HTTPClient.Response, with message: String = SingleLineTextTests.message
    ) throws -> Set<String> {
        #expect(response.status == 422, "\(response.text)")
        #expect(response.headers["Content-Type"]?.hasPrefix("application/problem+json") == true)
        let errors = try #require(try IdentityFixture.object(response)["errors"] as? [[String: Any]])
        return Set(errors.filter { $0["message"] as? String == message }.compactMap { $0["field"] as? String })
    }

    @Test(
        "A user's name with CR LF, or any other control character or separator, is refused naming the field",
        arguments: ["Nome\r\nBcc: x@evil.example", "Nome\nX", "Nome\tX", "Nome\u{7F}", "Nome\u{2028}X", "Nome\u{2029}"])
    func aRegistrationWithAControlCharacterInTheNameIsRefused(name: String) throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try DirectoryWorld(fixture)
        var body = DirectoryWorld.newUserBody()
        body["name"] = name

        let response = try fixture.send(
            "POST", "/clients/\(world.clientA)/users", token: world.support.token, json: body)

        #expect(try Self.fields(response) == ["name"])
        #expect(try fixture.registrations().isEmpty)
    }

    @Test("Every single-line field of a registration, a change, a client and a flag change refuses control characters")
    func everySingleLineFieldRefusesControlCharacters() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try DirectoryWorld(fixture)
        var body = DirectoryWorld.newUserBody()
        for field in ["code", "jobFunctionCode", "jobTitle", "email", "phone"] {
            body[field] = "\(body[field] as? String ?? "x")\r\n"
        }
        let registration = try fixture.send(
            "POST", "/clients/\(world.clientA)/users", token: world.support.token, json: body)
        #expect(try Self.fields(registration) == ["code", "jobFunctionCode", "jobTitle", "email", "phone"])

        let change = try fixture.send(
            "PATCH", "/users/\(world.plainA.id)", token: world.support.token,
            json: ["name": "Ana\u{2028}Lima", "jobTitle": "Chefe\u{1}", "email": "ana\n@example.com"])
        #expect(try Self.fields(change) == ["name", "jobTitle", "email"])

        let client = try fixture.send(
            "POST", "/clients", token: world.support.token,
            json: ["code": "NEW\n", "name": "Nova\r\nLtda", "timeZone": "America/Sao_Paulo\t"])
        #expect(try Self.fields(client) == ["code", "name", "timeZone"])
        let clientChange = try fixture.send(
            "PATCH", "/clients/\(world.clientA)", token: world.support.token, json: ["name": "Outra\u{1B}[31m"])
        #expect(try Self.fields(clientChange) == ["name"])

        let flags = try fixture.send(
            "PUT", "/users/\(world.plainA.id)/flags", token: world.support.token,
            json: ["manager": true, "approver": false, "patNumber": "PAT-42\r\nX"])
        #expect(try Self.fields(flags) == ["patNumber"])
        #expect(try fixture.column("is_manager", of: world.plainA.id, as: Bool.self) == false)
        #expect(try fixture.outboxEvents(UserFlagsChanged.self).isEmpty)
    }

    @Test("Accents, dashes and inner spaces are ordinary single-line text")
    func ordinaryTextIsAccepted() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try DirectoryWorld(fixture)
        var body = DirectoryWorld.newUserBody()
        body["name"] = "João Araújo — São Paulo"

        let response = try fixture.send(
            "POST", "/clients/\(world.clientA)/users", token: world.support.token, json: body)

        #expect(response.status == 201, "\(response.text)")
        #expect(try fixture.registrations().map(\.data.user.name) == ["João Araújo — São Paulo"])
    }
}
