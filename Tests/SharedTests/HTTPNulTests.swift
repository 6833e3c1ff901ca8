import Foundation
import Testing

@testable import Shared

/// The NUL character, which C strings and PostgreSQL both refuse, never cuts a request short and
/// never reaches the database.
struct HTTPNulTests {
    private static func makeServer() throws -> HTTPTestServer {
        try HTTPTestServer { router in
            router.get("/clients/{code}") { request in .text("client \(try request.pathParameter("code"))") }
            router.get("/clients/{code}/users") { request in .text("users of \(try request.pathParameter("code"))") }
            router.get("/search") { request in .text(request.query["status"] ?? "none") }
            router.post("/names") { request in
                try .json(["name": try request.decode([String: String].self)["name"] ?? ""], status: 201)
            }
        }
    }

    @Test func anEncodedNulInThePathDoesNotCutItShortIntoAnotherRoute() throws {
        let server = try Self.makeServer()
        // Cut at the NUL, the path would read /clients/ABS and answer for the client itself.
        #expect(try server.get("/clients/ABS%00/users").text == "users of ABS\u{7F}")
        #expect(try server.get("/clients/%00").text == "client \u{7F}")
        #expect(try server.get("/clients/ABS/users").text == "users of ABS")
    }

    @Test func anEncodedNulInAQueryValueKeepsTheRestOfTheValue() throws {
        let server = try Self.makeServer()
        #expect(try server.get("/search?status=signed%00xx").text == "signed\u{7F}xx")
        #expect(try server.get("/search?status=signed").text == "signed")
    }

    @Test(arguments: [#"{"name":"a\u0000b"}"#, #"{"name":"\u0000"}"#, #"{"n\u0000":"x"}"#])
    func aJSONBodyWithANulIsRefusedAsMalformed(body: String) throws {
        let server = try Self.makeServer()
        let response = try server.send(
            "POST", "/names", headers: [("Content-Type", "application/json")], body: Data(body.utf8))
        #expect(response.status == 400)
        #expect(response.headers["Content-Type"] == "application/problem+json")
    }

    @Test(arguments: [#"{"name":"a\\u0000b"}"#, #"{"name":"plain"}"#])
    func anEscapedBackslashBeforeU0000IsOrdinaryText(body: String) throws {
        let server = try Self.makeServer()
        let response = try server.send(
            "POST", "/names", headers: [("Content-Type", "application/json")], body: Data(body.utf8))
        #expect(response.status == 201)
    }
}
