import Foundation
import Synchronization
import TestSupport
import Testing

@testable import ApprovalService
@testable import Shared

/// A clock that tests move by hand.
final class TestClock: Sendable {
    private let now = Mutex(Date(timeIntervalSince1970: 1_166_000_000))

    func set(_ date: Date) { now.withLock { $0 = date } }
    func read() -> Date { now.withLock { $0 } }
}

/// Approval run in-process on a schema and an exchange of its own, with ABS's people as the seed names
/// them, another client XYZ, vendor staff, and a key to mint the access tokens Identity would issue.
///
/// Boleta's events are published on the broker as Boleta would, and the tests wait for Approval to
/// have handled them.
final class ApprovalWorld: Sendable {
    let signingKey = Ed25519.PrivateKey.generate()
    let running: InProcessService
    let approval: ApprovalService
    let clock: TestClock

    /// ABS's financial approver, FRGERTGRETGR of the seed, who also is a contact of its own boletas.
    let approver = UUID()
    /// ABS's contact ADRIANA.
    let contact = UUID()
    /// A second approver of ABS.
    let otherApprover = UUID()
    let manager = UUID()
    let plainUser = UUID()
    let technician = UUID()
    let support = UUID()
    let management = UUID()
    /// A manager and approver of client XYZ.
    let otherClientManager = UUID()
    let xyzContact = UUID()
    /// A financial approver of client XYZ, not a manager.
    let xyzApprover = UUID()

    /// A world whose service has `environment` added to its settings.
    init(environment: [String: String] = [:]) throws {
        let clock = TestClock()
        self.clock = clock
        var built: ApprovalService?
        running = try InProcessService(
            prefix: "aptest",
            environment: ["JWT_PUBLIC_KEY": signingKey.publicKey.base64URL].merging(environment) { _, new in new }
        ) { context in
            let approval = ApprovalService(context: context, clock: { clock.read() })
            built = approval
            return try approval.components()
        }
        approval = built!
        let users: [(UUID, String?, String?, String, String, Bool, Bool)] = [
            (approver, "ABS", nil, "002", "FRGERTGRETGR", false, true),
            (contact, "ABS", nil, "001", "ADRIANA", false, false),
            (otherApprover, "ABS", nil, "005", "JOSÉ DA SILVA", false, true),
            (manager, "ABS", nil, "003", "PRESIDENTE", true, false),
            (plainUser, "ABS", nil, "004", "PLAIN", false, false),
            (technician, nil, "technician", "D51591", "D51591", false, false),
            (support, nil, "support", "S00001", "SUPORTE", false, false),
            (management, nil, "management", "G00001", "GERENCIA", false, false),
            (otherClientManager, "XYZ", nil, "001", "XAVIER", true, true),
            (xyzContact, "XYZ", nil, "002", "XENA", false, false),
            (xyzApprover, "XYZ", nil, "003", "XISTO", false, true),
        ]
        for (id, client, role, code, name, isManager, isApprover) in users {
            try sql(
                """
                INSERT INTO known_user (id, client_code, vendor_role, code, name, email, is_manager, is_approver)
                VALUES ($1, $2, $3, $4, $5, 'x@example.com', $6, $7)
                """, id, client, role, code, name, isManager, isApprover)
        }
    }

    func stop() { running.stop() }

    var schema: String { running.schema }

    /// Runs `text` on Approval's schema.
    @discardableResult
    func sql(_ text: String, _ parameters: (any PostgresEncodable)?...) throws -> PostgresRows {
        try running.service.context.pool.withConnection { try $0.query(text, parameters: parameters) }
    }

    // MARK: Tokens

    /// An access token Identity would issue for these claims.
    func token(
        _ userID: UUID, clientCode: String? = nil, isManager: Bool = false, isApprover: Bool = false,
        vendorRole: VendorRole? = nil
    ) throws -> String {
        try JSONWebToken.sign(
            claims: AccessClaims(
                userID: userID, audience: "support", issuedAt: Date(), lifetime: .seconds(600), clientCode: clientCode,
                isManager: isManager, isApprover: isApprover, vendorRole: vendorRole),
            key: signingKey)
    }

    func approverToken() throws -> String { try token(approver, clientCode: "ABS", isApprover: true) }
    func otherApproverToken() throws -> String { try token(otherApprover, clientCode: "ABS", isApprover: true) }
    func managerToken() throws -> String { try token(manager, clientCode: "ABS", isManager: true) }
    func supportToken() throws -> String { try token(support, vendorRole: .support) }
    func managementToken() throws -> String { try token(management, vendorRole: .management) }
    func technicianToken() throws -> String { try token(technician, vendorRole: .technician) }
    func otherClientManagerToken() throws -> String {
        try token(otherClientManager, clientCode: "XYZ", isManager: true, isApprover: true)
    }

    // MARK: Boleta's events

    /// The facts of a boleta of ABS as Boleta would publish them.
    func facts(
        _ number: Int64, workDate: String = "2006-12-02", nature: BoletaNature = .billed, amount: String = "185.18",
        contact: UUID? = nil, approver: UUID? = nil, patNumber: String? = "51507", revision: Int = 1,
        clientCode: String = "ABS", minutes: Int? = 90
    ) -> BoletaFacts {
        BoletaFacts(
            number: number, revision: revision, workDate: workDate, clientCode: clientCode,
            contactUserId: contact ?? self.contact, approverUserId: approver ?? self.approver,
            technicianUserId: technician, serviceCode: "HP",
            serviceDescription: "HORA PROD. ICMS INSENTO E IPI INSENTO",
            patNumber: patNumber, nature: nature, amount: amount, contentHash: String(repeating: "a", count: 64),
            replacesNumber: nil, minutes: minutes)
    }

    /// Publishes `BoletaRecorded` for `facts` and waits until Approval keeps it.
    func record(_ facts: BoletaFacts) throws {
        try running.publish(BoletaRecorded(boleta: facts), producer: "boleta")
        try #require(try eventually { try revision(of: facts.number) == facts.revision }, "\(facts.number) recorded")
    }

    /// A new boleta number, unique within the test.
    func newNumber() -> Int64 { Int64.random(in: 200_000_000...900_000_000) }

    /// Records a new boleta of ABS with `changes`; returns its facts.
    @discardableResult
    func recordNew(
        workDate: String = "2006-12-02", nature: BoletaNature = .billed, amount: String = "185.18",
        contact: UUID? = nil, approver: UUID? = nil, clientCode: String = "ABS", minutes: Int? = 90
    ) throws -> BoletaFacts {
        let facts = facts(
            newNumber(), workDate: workDate, nature: nature, amount: amount, contact: contact, approver: approver,
            clientCode: clientCode, minutes: minutes)
        try record(facts)
        return facts
    }

    /// The signature of `facts` by `signer` (its contact unless said), as Boleta would publish it.
    func signature(
        _ facts: BoletaFacts, signer: UUID? = nil, agrees: Bool = true, observation: String = "",
        decision: ApprovalDecision? = nil, decisionObservation: String? = nil
    ) -> BoletaSigned {
        BoletaSigned(
            number: facts.number, clientCode: facts.clientCode, workDate: facts.workDate,
            signerUserId: signer ?? facts.contactUserId, technicianUserId: facts.technicianUserId,
            contactUserId: facts.contactUserId, approverUserId: facts.approverUserId, nature: facts.nature,
            amount: facts.amount, agreesWithNature: agrees, observation: observation, decision: decision,
            decisionObservation: decisionObservation, signedAt: Date(timeIntervalSince1970: 1_165_100_000))
    }

    /// Publishes `event` as Boleta would and waits until Approval handled it.
    func publish<Event: DomainEvent>(_ event: Event, id: UUID = UUID()) throws {
        let connection = try AMQPConnection(settings: running.service.context.amqpSettings)
        defer { connection.close() }
        let envelope = EventEnvelope(
            id: id, type: Event.type, version: Event.version, producer: "boleta", data: event)
        try AMQPPublisher(connection: connection).publish([
            OutgoingMessage(
                exchange: running.exchange, routingKey: Event.type, body: try EventCoding.encoder().encode(envelope),
                messageID: envelope.id.uuidString)
        ])
        try #require(try eventually { try handled(id) }, "\(Event.type) \(id) handled")
    }

    /// Whether Approval recorded event `id` in its inbox.
    func handled(_ id: UUID) throws -> Bool {
        try !sql("SELECT 1 FROM inbox WHERE event_id = $1", id).isEmpty
    }

    /// The revision Approval keeps of boleta `number`, `nil` when it keeps none.
    func revision(of number: Int64) throws -> Int? {
        try sql("SELECT revision FROM approval_request WHERE number = $1", number).first?.decode(Int.self, "revision")
    }

    // MARK: What Approval did

    /// The events of `type` Approval put in its outbox, oldest first.
    func published<Event: DomainEvent>(_ type: Event.Type) throws -> [Event] {
        try running.outboxEvents(type).map(\.data)
    }

    /// Sends a request, with a JSON body when `json` is given and a bearer token when `token` is.
    func send(_ method: String, _ path: String, token: String? = nil, json: Any? = nil) throws -> HTTPClient.Response {
        try running.send(method, path, token: token, json: json)
    }

    /// Decides on `number` as `token`'s holder.
    func decide(
        _ number: Int64, _ decision: String, observation: String = "", token: String
    ) throws -> HTTPClient.Response {
        try send(
            "POST", "/approvals/decisions", token: token,
            json: ["decisions": [["number": number, "decision": decision, "observation": observation]]])
    }

    func json(_ response: HTTPClient.Response) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: response.body) as? [String: Any], "\(response.text)")
    }

    /// The `items` of a 200 answer.
    func items(_ response: HTTPClient.Response) throws -> [[String: Any]] {
        try #require(response.status == 200, "\(response.text)")
        return try #require(json(response)["items"] as? [[String: Any]])
    }

    /// The fields named in a 422 answer.
    func invalidFields(_ response: HTTPClient.Response) throws -> Set<String> {
        #expect(response.status == 422, "\(response.text)")
        let errors = try json(response)["errors"] as? [[String: Any]] ?? []
        return Set(errors.compactMap { $0["field"] as? String })
    }

    /// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
    func eventually(timeout: Duration = .seconds(10), _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return try condition()
    }
}
