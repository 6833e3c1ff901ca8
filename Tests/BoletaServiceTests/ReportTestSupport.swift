import Foundation
import TestSupport
import Testing

@testable import BoletaService
@testable import Shared

/// ABS's people from ``RecordingWorld`` and four ABS boletas plus one of XYZ, for the service report.
///
/// - `first`: 2006-12-01, contact `contact`, PAT 51507, by `technician`, signed agreeing with the nature.
/// - `second`: 2006-12-02, contact `plainUser`, PAT 60000, by `otherTechnician`, unsigned.
/// - `third`: 2006-12-03, contact `contact`, no PAT, by `technician`, cancelled.
/// - a deleted one of 2006-12-04, contact `contact`, by `technician`, which no one sees.
/// - `foreign`: XYZ's, 2006-12-05, by `otherTechnician`.
/// `approver` is the approver of every ABS boleta and has decided none; `bystander` is a user of ABS
/// named in none.
final class ReportWorld: Sendable {
    let world: RecordingWorld
    let bystander = UUID()
    let xyzContact = UUID()
    let first: Int64
    let second: Int64
    let third: Int64
    let deleted: Int64
    let foreign: Int64
    let signedAt = Date(timeIntervalSince1970: 1_165_000_000)

    init() throws {
        let world = try RecordingWorld()
        self.world = world
        try world.sql(
            """
            INSERT INTO known_user (id, client_code, code, name, email) VALUES
                ($1, 'ABS', '005', 'Bystander', 'b@example.com'), ($2, 'XYZ', '002', 'Xavier', 'x@example.com')
            """, bystander, xyzContact)
        first = try Self.number(world.record(world.body(workDate: "2006-12-01", patNumber: "51507")))
        let response = try world.fixture.send(
            "POST", "/boletas", token: try world.otherTechnicianToken(),
            json: world.body(workDate: "2006-12-02", patNumber: "60000", ["contactUserId": world.plainUser.uuidString]))
        try #require(response.status == 201, "\(response.text)")
        second = try Self.number(world.json(response))
        third = try Self.number(world.record(world.body(workDate: "2006-12-03", patNumber: nil)))
        deleted = try Self.number(world.record(world.body(workDate: "2006-12-04")))
        try world.sql(
            """
            INSERT INTO signature (boleta_number, signer_user_id, signed_at, address, client_program, content_hash,
                assertion_id, agrees_with_nature)
            SELECT number, contact_user_id, $2, '127.0.0.1', 'test', content_hash, $3, true
            FROM boleta WHERE number = $1
            """, first, signedAt, UUID())
        try world.sql("UPDATE boleta SET status = 'signed' WHERE number = $1", first)
        try world.sql("UPDATE boleta SET status = 'cancelled', cancel_reason = 'wrong' WHERE number = $1", third)
        try world.sql("UPDATE boleta SET deleted_at = now() WHERE number = $1", deleted)
        let xyzContract = UUID()
        try world.sql(
            """
            INSERT INTO contract (id, client_code, code, description, valid_from)
            VALUES ($1, 'XYZ', 'C-1', 'Suporte', '2006-01-01')
            """, xyzContract)
        foreign = try world.sql(
            """
            INSERT INTO boleta (number, client_code, work_date, contract_id, service_code, contact_user_id,
                approver_user_id, technician_user_id, nature, hourly_rate, amount, content_hash)
            VALUES (nextval('boleta_number'), 'XYZ', '2006-12-05', $1, 'HP', $2, $3, $4, 'billed', 10, 10, 'x')
            RETURNING number
            """, xyzContract, xyzContact, world.otherClientManager, world.otherTechnician
        )[0].decode(Int64.self, "number")
    }

    func stop() { world.stop() }

    static func number(_ answer: [String: Any]) throws -> Int64 {
        try #require(answer["number"] as? Int64)
    }

    /// A token of a user of `client` with the given flags.
    func token(_ user: UUID, client: String = "ABS", manager: Bool = false, approver: Bool = false) throws -> String {
        try world.fixture.token(userID: user, clientCode: client, isManager: manager, isApprover: approver)
    }

    /// `GET /reports/service` with `query`; expects a 200 and returns the rows.
    func rows(_ token: String, _ query: String = "") throws -> [[String: Any]] {
        let response = try world.fixture.send("GET", "/reports/service" + query, token: token)
        try #require(response.status == 200, "\(response.text)")
        return try #require(world.json(response)["items"] as? [[String: Any]])
    }

    /// The numbers of the rows `token` sees with `query`, in the order answered.
    func numbers(_ token: String, _ query: String = "") throws -> [Int64] {
        try rows(token, query).map { try #require($0["number"] as? Int64) }
    }
}

/// Reads CSV text (RFC 4180) back into rows of fields, to check what the export wrote.
enum CSVReader {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text.unicodeScalars)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        field.unicodeScalars.append(characters.removeFirst())
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                row.append(field)
                field = ""
            } else if character == "\r", characters.first == "\n" {
                characters.removeFirst()
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.unicodeScalars.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty { rows.append(row + [field]) }
        return rows
    }
}
