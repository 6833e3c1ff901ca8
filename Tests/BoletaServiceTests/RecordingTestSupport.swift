import Foundation
import TestSupport
import Testing

@testable import BoletaService
@testable import Shared

/// Boleta with client ABS known, its people, technician D51591 and a contract covering one service,
/// as the seed has them.
final class RecordingWorld: Sendable {
    let fixture: BoletaFixture
    let contact = UUID()
    let approver = UUID()
    let manager = UUID()
    let plainUser = UUID()
    let technician = UUID()
    let otherTechnician = UUID()
    let otherClientManager = UUID()
    let contractID = UUID()
    /// The rate of service `HP` on the contract.
    let rate: String

    init(rate: String = "123.45") throws {
        fixture = try BoletaFixture()
        self.rate = rate
        try sql("INSERT INTO known_client (code, name, time_zone) VALUES ('ABS', 'ABS Ltda', 'America/Sao_Paulo')")
        try sql("INSERT INTO known_client (code, name, time_zone) VALUES ('XYZ', 'XYZ SA', 'America/Sao_Paulo')")
        let users: [(UUID, String?, String?, String, Bool, Bool)] = [
            (contact, "ABS", nil, "001", false, false), (approver, "ABS", nil, "002", false, true),
            (manager, "ABS", nil, "003", true, false), (plainUser, "ABS", nil, "004", false, false),
            (technician, nil, "technician", "D51591", false, false),
            (otherTechnician, nil, "technician", "D51592", false, false),
            (otherClientManager, "XYZ", nil, "001", true, true),
        ]
        for (id, client, role, code, isManager, isApprover) in users {
            try sql(
                """
                INSERT INTO known_user (id, client_code, vendor_role, code, name, email, is_manager, is_approver)
                VALUES ($1, $2, $3, $4, $4, 'x@example.com', $5, $6)
                """, id, client, role, code, isManager, isApprover)
        }
        try sql(
            """
            INSERT INTO contract (id, client_code, code, description, valid_from)
            VALUES ($1, 'ABS', 'C-2006', 'Suporte 2006', '2006-01-01')
            """, contractID)
        try sql(
            """
            INSERT INTO contract_service (contract_id, service_code, description, hourly_rate, valid_from)
            VALUES ($1, 'HP', 'HORA PROD. ICMS INSENTO E IPI INSENTO', $2::numeric, '2006-01-01')
            """, contractID, rate)
    }

    func stop() { fixture.stop() }

    /// Runs `text` on Boleta's schema.
    @discardableResult
    func sql(_ text: String, _ parameters: (any PostgresEncodable)?...) throws -> PostgresRows {
        try fixture.service.context.pool.withConnection { try $0.query(text, parameters: parameters) }
    }

    func technicianToken() throws -> String { try fixture.token(userID: technician, vendorRole: .technician) }
    func otherTechnicianToken() throws -> String { try fixture.token(userID: otherTechnician, vendorRole: .technician) }
    func supportToken() throws -> String { try fixture.token(vendorRole: .support) }

    /// A valid body for `POST /boletas`, with `changes` applied.
    func body(
        workDate: String = "2006-12-02", patNumber: String? = "51507", nature: String = "billed",
        entries: [[String: Any]]? = nil, _ changes: [String: Any] = [:]
    ) -> [String: Any] {
        var body: [String: Any] = [
            "clientCode": "ABS", "workDate": workDate, "contractId": contractID.uuidString, "serviceCode": "HP",
            "contactUserId": contact.uuidString, "approverUserId": approver.uuidString, "nature": nature,
            "observations": "", "entries": entries ?? [Self.entry("08:00", "09:30")],
        ]
        if let patNumber { body["patNumber"] = patNumber }
        body.merge(changes) { _, new in new }
        return body
    }

    /// One time entry.
    static func entry(_ start: String, _ end: String, overtime: String = "none") -> [String: Any] {
        ["start": start, "end": end, "history": "Ajuste de nota fiscal", "overtime": overtime]
    }

    /// Records a boleta as the technician; expects a 201 and returns the answer.
    @discardableResult
    func record(_ body: [String: Any]) throws -> [String: Any] {
        let response = try fixture.send("POST", "/boletas", token: try technicianToken(), json: body)
        try #require(response.status == 201, "\(response.text)")
        return try json(response)
    }

    /// The fields named in a 422 answer.
    func invalidFields(_ response: HTTPClient.Response) throws -> Set<String> {
        #expect(response.status == 422, "\(response.text)")
        let errors = try json(response)["errors"] as? [[String: Any]] ?? []
        return Set(errors.compactMap { $0["field"] as? String })
    }

    func json(_ response: HTTPClient.Response) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: response.body) as? [String: Any])
    }
}
