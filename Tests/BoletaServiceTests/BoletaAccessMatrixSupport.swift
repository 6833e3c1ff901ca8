import Foundation
import TestSupport
import Testing

@testable import BoletaService
@testable import Shared

/// Who calls, in Boleta's access matrix.
enum BoletaMatrixCaller: String, CaseIterable, Sendable {
    case support
    /// The technician who recorded the target boleta.
    case technician
    /// A technician who did not record it.
    case otherTechnician
    case management
    /// A manager of client ABS, the client every target belongs to.
    case managerOfABS
    /// A manager (and approver) of another client.
    case managerOfOther
    /// The financial approver of ABS the target names.
    case approverOfABS
    /// The contact of ABS the target names.
    case contactOfABS
    /// A user of ABS with no flag that the target does not name.
    case plainUserOfABS
    /// Nobody: no access token.
    case noToken
}

/// What one cell sends: a path and, maybe, a JSON body.
struct BoletaMatrixRequest {
    var path: String
    var json: [String: Any]?

    init(_ path: String, json: [String: Any]? = nil) {
        self.path = path
        self.json = json
    }
}

/// One ``RecordingWorld`` shared by every cell; each cell makes its own target, so that the
/// cells do not depend on one another.
final class BoletaMatrixWorld: Sendable {
    /// The world of the running suite, set by ``BoletaMatrixWorldScope``.
    @TaskLocal static var current: BoletaMatrixWorld?

    let world: RecordingWorld

    init() throws {
        world = try RecordingWorld()
    }

    /// The access token of `caller`, nil for ``BoletaMatrixCaller/noToken``.
    func token(_ caller: BoletaMatrixCaller) throws -> String? {
        let fixture = world.fixture
        switch caller {
        case .support: return try world.supportToken()
        case .technician: return try world.technicianToken()
        case .otherTechnician: return try world.otherTechnicianToken()
        case .management: return try fixture.token(vendorRole: .management)
        case .managerOfABS: return try fixture.token(userID: world.manager, clientCode: "ABS", isManager: true)
        case .managerOfOther:
            return try fixture.token(
                userID: world.otherClientManager, clientCode: "XYZ", isManager: true, isApprover: true)
        case .approverOfABS: return try fixture.token(userID: world.approver, clientCode: "ABS", isApprover: true)
        case .contactOfABS: return try fixture.token(userID: world.contact, clientCode: "ABS")
        case .plainUserOfABS: return try fixture.token(userID: world.plainUser, clientCode: "ABS")
        case .noToken: return nil
        }
    }

    /// A new unsigned boleta of ABS recorded by the technician, naming the contact and the approver.
    func unsignedBoleta() throws -> RecordingWorld.Recorded {
        try world.recordForSigning()
    }

    /// A new signed boleta of ABS, as a cancellation needs.
    func signedBoleta() throws -> Int64 {
        let number = try unsignedBoleta().number
        try world.sql("UPDATE boleta SET status = 'signed' WHERE number = $1", number)
        return number
    }

    /// A new PAT of ABS whose contact is the contact of ABS; returns its number.
    func patOfABS() throws -> String {
        let number = "M" + UUID().uuidString.prefix(8)
        try world.sql(
            """
            INSERT INTO pat (number, client_code, contact_code, contact_user_id, nature, description, status, revision)
            VALUES ($1, 'ABS', '001', $2, 'error', 'Matrix PAT', 'open', 1)
            """, number, world.contact)
        return number
    }

    /// A unique contract or service code.
    static func uniqueCode(_ prefix: String) -> String { prefix + UUID().uuidString.prefix(8) }
}

/// Builds one ``BoletaMatrixWorld`` for the suite it is given to and stops it after the last test.
struct BoletaMatrixWorldScope: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let matrix = try BoletaMatrixWorld()
        defer { matrix.world.stop() }
        try await BoletaMatrixWorld.$current.withValue(matrix) { try await function() }
    }
}

extension Trait where Self == BoletaMatrixWorldScope {
    /// One shared ``BoletaMatrixWorld`` for the suite.
    static var boletaMatrixWorld: Self { Self() }
}
