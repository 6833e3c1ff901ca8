import Foundation
import Testing

@testable import BoletaService
@testable import Shared
import TestSupport

/// Boleta run in-process on a schema and an exchange of its own, with a key to mint the access
/// tokens Identity would issue.
final class BoletaFixture: Sendable {
    let signingKey = Ed25519.PrivateKey.generate()
    let running: InProcessService
    let boleta: BoletaService

    var schema: String { running.schema }
    var exchange: String { running.exchange }
    var service: PreparedService { running.service }
    var logs: MemoryLogSink { running.logs }

    init(extraEnvironment: [String: String] = [:]) throws {
        var values = ["JWT_PUBLIC_KEY": signingKey.publicKey.base64URL, "PAT_EXCHANGE": "test.pat." + UUID().uuidString]
        values.merge(extraEnvironment) { _, new in new }
        var built: BoletaService?
        running = try InProcessService(prefix: "botest", environment: values) { context in
            let boleta = BoletaService(context: context)
            built = boleta
            return try boleta.components()
        }
        boleta = built!
    }

    func stop() {
        running.stop()
        if let connection = try? AMQPConnection(settings: service.context.amqpSettings) {
            try? connection.deleteExchange(service.context.configuration.patExchange)
            connection.close()
        }
    }

    /// An access token Identity would issue for these claims.
    func token(
        userID: UUID = UUID(), clientCode: String? = nil, isManager: Bool = false, isApprover: Bool = false,
        vendorRole: VendorRole? = nil
    ) throws -> String {
        try JSONWebToken.sign(
            claims: AccessClaims(
                userID: userID, audience: "support", issuedAt: Date(), lifetime: .seconds(600), clientCode: clientCode,
                isManager: isManager, isApprover: isApprover, vendorRole: vendorRole),
            key: signingKey)
    }

    /// Sends a request, with a JSON body when `json` is given and a bearer token when `token` is.
    func send(_ method: String, _ path: String, token: String? = nil, json: Any? = nil) throws -> HTTPClient.Response {
        try running.send(method, path, token: token, json: json)
    }
}
