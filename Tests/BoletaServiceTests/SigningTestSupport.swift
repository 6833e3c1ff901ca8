import Foundation
import TestSupport
import Testing

@testable import BoletaService
@testable import Shared

/// The client program the signing tests present, kept as evidence.
let signingProgram = "SigningTests/1.0 (Linux)"

extension RecordingWorld {
    /// A recorded boleta: its number and content hash.
    struct Recorded {
        var number: Int64
        var hash: String
    }

    /// Records a boleta as the technician, with `changes` applied to the default body.
    func recordForSigning(
        workDate: String = "2006-12-02", nature: String = "billed", _ changes: [String: Any] = [:]
    )
        throws -> Recorded
    {
        let answer = try record(body(workDate: workDate, nature: nature, changes))
        return Recorded(
            number: try #require(answer["number"] as? Int64), hash: try #require(answer["contentHash"] as? String))
    }

    /// The claims of an assertion Identity would issue to `signer` of ABS for `boletas`.
    func assertionClaims(
        signer: UUID, _ boletas: [Recorded], issuedAt: Date = Date(), lifetime: Duration = .seconds(120)
    ) -> SignatureAssertionClaims {
        SignatureAssertionClaims(
            signerID: signer, clientCode: "ABS",
            boletas: boletas.map { SignedBoletaContent(number: $0.number, contentHash: $0.hash) }, issuedAt: issuedAt,
            lifetime: lifetime)
    }

    /// An assertion Identity would issue to `signer` of ABS for `boletas`.
    func assertion(
        signer: UUID, _ boletas: [Recorded], issuedAt: Date = Date(), lifetime: Duration = .seconds(120)
    )
        throws -> String
    {
        try JSONWebToken.sign(
            claims: assertionClaims(signer: signer, boletas, issuedAt: issuedAt, lifetime: lifetime),
            key: fixture.signingKey)
    }

    /// An access token of `user`, a user of ABS.
    func clientToken(_ user: UUID) throws -> String { try fixture.token(userID: user, clientCode: "ABS") }

    /// `POST /boletas/{number}/signature` with `token`, from the signing program.
    func signOne(
        _ number: Int64, assertion: String, token: String, _ fields: [String: Any] = [:]
    ) throws
        -> HTTPClient.Response
    {
        var body: [String: Any] = ["assertion": assertion, "agreesWithNature": true]
        body.merge(fields) { _, new in new }
        return try fixture.running.send(
            "POST", "/boletas/\(number)/signature", token: token, json: body, headers: [("User-Agent", signingProgram)])
    }

    /// `POST /signatures` with `token`; the outcome of each item by number.
    func signMany(assertion: String, token: String, items: [[String: Any]]) throws -> HTTPClient.Response {
        try fixture.running.send(
            "POST", "/signatures", token: token, json: ["assertion": assertion, "items": items],
            headers: [("User-Agent", signingProgram)])
    }

    /// The outcomes of a `POST /signatures` answer, by boleta number.
    func outcomes(_ response: HTTPClient.Response) throws -> [Int64: String] {
        #expect(response.status == 200, "\(response.text)")
        let results = try #require(json(response)["results"] as? [[String: Any]])
        return Dictionary(
            uniqueKeysWithValues: try results.map {
                (try #require($0["number"] as? Int64), try #require($0["outcome"] as? String))
            })
    }

    /// The status of boleta `number` as stored.
    func status(_ number: Int64) throws -> String {
        try sql("SELECT status FROM boleta WHERE number = $1", number)[0].decode(String.self, "status")
    }

    /// The problem type of an error answer.
    func problemType(_ response: HTTPClient.Response) throws -> String? {
        try json(response)["type"] as? String
    }
}
