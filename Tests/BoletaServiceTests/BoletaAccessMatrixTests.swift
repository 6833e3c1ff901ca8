import Foundation
import TestSupport
import Testing

@testable import BoletaService
@testable import Shared

/// One endpoint of Boleta's matrix, how each caller calls it, and the status each caller gets.
struct BoletaMatrixEndpoint: Sendable {
    typealias MakeRequest = @Sendable (BoletaMatrixWorld) throws -> BoletaMatrixRequest

    var method: String
    /// The route as the router knows it, such as `/boletas/{number}`.
    var pattern: String
    /// The request a caller makes; makes a fresh target where the request changes one.
    var request: MakeRequest
    var expected: [BoletaMatrixCaller: Int]

    /// A row where every caller, in ``BoletaMatrixCaller`` order, gets the status at its position.
    init(_ method: String, _ pattern: String, _ statuses: [Int], request: @escaping MakeRequest) {
        precondition(statuses.count == BoletaMatrixCaller.allCases.count, "one status per caller in \(pattern)")
        self.method = method
        self.pattern = pattern
        self.request = request
        self.expected = Dictionary(uniqueKeysWithValues: zip(BoletaMatrixCaller.allCases, statuses))
    }

    var name: String { "\(method) \(pattern)" }
}

/// One cell: an endpoint called by one kind of caller.
struct BoletaMatrixCell: Sendable, CustomTestStringConvertible {
    var endpoint: BoletaMatrixEndpoint
    var caller: BoletaMatrixCaller

    var expected: Int { endpoint.expected[caller]! }
    var testDescription: String { "\(endpoint.name) as \(caller.rawValue) answers \(expected)" }
}

/// Every endpoint Boleta serves, less the platform's, against every kind of caller.
///
/// Where a caller may act, the request is a valid one, so that a 2xx shows the action was done.
@Suite(.serialized, .boletaMatrixWorld)
struct BoletaAccessMatrixTests {
    // swift-format-ignore
    //                                        sup  tech otec mgmt mgrA mgrB appr cont plain none
    static let endpoints: [BoletaMatrixEndpoint] = [
        // PATs.
        BoletaMatrixEndpoint("GET", "/pats", [200, 200, 200, 200, 200, 200, 200, 200, 200, 401]) { _ in
            BoletaMatrixRequest("/pats")
        },
        BoletaMatrixEndpoint("GET", "/pats/{number}", [200, 200, 200, 200, 200, 404, 404, 200, 404, 401]) { matrix in
            BoletaMatrixRequest("/pats/\(try matrix.patOfABS())")
        },
        // The service report: everyone signed in gets it, holding only what the caller may see.
        BoletaMatrixEndpoint("GET", "/reports/service", [200, 200, 200, 200, 200, 200, 200, 200, 200, 401]) { _ in
            BoletaMatrixRequest("/reports/service?clientCode=ABS")
        },
        BoletaMatrixEndpoint("GET", "/reports/service.csv", [200, 200, 200, 200, 200, 200, 200, 200, 200, 401]) { _ in
            BoletaMatrixRequest("/reports/service.csv?clientCode=ABS")
        },
        // Contracts.
        BoletaMatrixEndpoint(
            "POST", "/clients/{code}/contracts", [201, 403, 403, 403, 403, 403, 403, 403, 403, 401]
        ) { _ in
            BoletaMatrixRequest(
                "/clients/ABS/contracts",
                json: [
                    "code": BoletaMatrixWorld.uniqueCode("C"), "description": "Suporte", "validFrom": "2006-01-01",
                ])
        },
        BoletaMatrixEndpoint(
            "GET", "/clients/{code}/contracts", [200, 200, 200, 200, 200, 404, 403, 403, 403, 401]
        ) { _ in
            BoletaMatrixRequest("/clients/ABS/contracts")
        },
        BoletaMatrixEndpoint(
            "POST", "/contracts/{id}/services", [201, 403, 403, 403, 403, 403, 403, 403, 403, 401]
        ) { matrix in
            BoletaMatrixRequest(
                "/contracts/\(matrix.world.contractID)/services",
                json: [
                    "serviceCode": BoletaMatrixWorld.uniqueCode("S"), "description": "Consultoria",
                    "hourlyRate": "150.00", "validFrom": "2006-01-01",
                ])
        },
        // Boletas.
        BoletaMatrixEndpoint("POST", "/boletas", [403, 201, 201, 403, 403, 403, 403, 403, 403, 401]) { matrix in
            BoletaMatrixRequest("/boletas", json: matrix.world.body())
        },
        BoletaMatrixEndpoint(
            "GET", "/boletas/{number}", [200, 200, 404, 200, 200, 404, 404, 200, 404, 401]
        ) { matrix in
            BoletaMatrixRequest("/boletas/\(try matrix.unsignedBoleta().number)")
        },
        BoletaMatrixEndpoint(
            "GET", "/boletas/{number}/pdf", [200, 200, 404, 200, 200, 404, 404, 200, 404, 401]
        ) { matrix in
            BoletaMatrixRequest("/boletas/\(try matrix.unsignedBoleta().number)/pdf")
        },
        BoletaMatrixEndpoint(
            "PATCH", "/boletas/{number}", [403, 200, 404, 403, 403, 403, 403, 403, 403, 401]
        ) { matrix in
            BoletaMatrixRequest(
                "/boletas/\(try matrix.unsignedBoleta().number)",
                json: matrix.world.body(["observations": "Revisto pelo técnico"]))
        },
        BoletaMatrixEndpoint(
            "DELETE", "/boletas/{number}", [403, 204, 404, 403, 403, 403, 403, 403, 403, 401]
        ) { matrix in
            BoletaMatrixRequest("/boletas/\(try matrix.unsignedBoleta().number)")
        },
        BoletaMatrixEndpoint(
            "POST", "/boletas/{number}/cancellation", [200, 403, 403, 403, 403, 403, 403, 403, 403, 401]
        ) { matrix in
            BoletaMatrixRequest("/boletas/\(try matrix.signedBoleta())/cancellation", json: ["reason": "Duplicada"])
        },
        // Signing, with an assertion Identity issued to the contact for a fresh boleta.
        BoletaMatrixEndpoint("GET", "/boletas/to-sign", [403, 403, 403, 403, 200, 200, 200, 200, 200, 401]) { _ in
            BoletaMatrixRequest("/boletas/to-sign")
        },
        BoletaMatrixEndpoint(
            "POST", "/boletas/{number}/signature", [403, 200, 200, 403, 403, 403, 403, 200, 403, 401]
        ) { matrix in
            let boleta = try matrix.unsignedBoleta()
            let assertion = try matrix.world.assertion(signer: matrix.world.contact, [boleta])
            return BoletaMatrixRequest(
                "/boletas/\(boleta.number)/signature", json: ["assertion": assertion, "agreesWithNature": true])
        },
        BoletaMatrixEndpoint("POST", "/signatures", [403, 200, 200, 403, 403, 403, 403, 200, 403, 401]) { matrix in
            let boleta = try matrix.unsignedBoleta()
            let assertion = try matrix.world.assertion(signer: matrix.world.contact, [boleta])
            return BoletaMatrixRequest(
                "/signatures",
                json: ["assertion": assertion, "items": [["number": boleta.number, "agreesWithNature": true]]])
        },
        // The operator's jobs.
        BoletaMatrixEndpoint(
            "POST", "/admin/jobs/{name}/runs", [201, 403, 403, 403, 403, 403, 403, 403, 403, 401]
        ) { _ in
            // A day long gone and not used by another cell, so that it runs once.
            let day = Int.random(in: 0..<3650)
            let date = Date(timeIntervalSince1970: Double(day) * 86_400)
            return BoletaMatrixRequest(
                "/admin/jobs/signature-reminders/runs",
                json: ["period": PostgresDate(date, in: TimeZone(identifier: "UTC")!).description])
        },
    ]

    static let cells: [BoletaMatrixCell] = endpoints.flatMap { endpoint in
        BoletaMatrixCaller.allCases.map { BoletaMatrixCell(endpoint: endpoint, caller: $0) }
    }

    @Test(arguments: cells)
    func eachCallerGetsTheStatusItsRightsGive(_ cell: BoletaMatrixCell) throws {
        let matrix = try #require(BoletaMatrixWorld.current)
        let request = try cell.endpoint.request(matrix)
        let response = try matrix.world.fixture.send(
            cell.endpoint.method, request.path, token: try matrix.token(cell.caller), json: request.json)
        #expect(
            response.status == cell.expected,
            "\(cell.endpoint.name) as \(cell.caller.rawValue): \(response.status) \(response.text.prefix(200))")
    }

    @Test
    func theMatrixCoversEveryEndpointBoletaServes() throws {
        let matrix = try #require(BoletaMatrixWorld.current)
        let platform = Set(try OpenAPIDocument.endpoints(["platform"]).map(\.description))
        let served = Set(matrix.world.fixture.service.endpoints.map(\.description)).subtracting(platform)
        let covered = Set(Self.endpoints.map(\.name))
        #expect(served.subtracting(covered).isEmpty, "not in the matrix: \(served.subtracting(covered).sorted())")
        #expect(covered.subtracting(served).isEmpty, "not served: \(covered.subtracting(served).sorted())")
    }
}
