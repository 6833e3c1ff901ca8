import Foundation
import Shared

extension IdentityService {
    /// The body of `POST /signature-assertions`.
    private struct AssertionRequest: Decodable {
        var boletas: [SignedBoletaContent]
        /// The signer's e-mail, when the signer types its password on someone else's screen
        /// (the technician's); absent when the caller signs for itself.
        var email: String?
        var password: String
    }

    /// What `POST /signature-assertions` answers.
    private struct AssertionResponse: Encodable {
        var assertion: String
        var expiresAt: Date
    }

    /// The most boletas one assertion may name.
    static let maximumBoletasPerAssertion = 100

    /// Proves the signer's password, just typed, and answers a short-lived assertion naming the
    /// signer and the exact boletas and content hashes it signs (R20, R22).
    ///
    /// The signer is the caller, or (with `email`) a client user typing its password on the
    /// screen of the technician who is logged in. Its password is checked like a login, with the
    /// same throttling and the same 401.
    func issueSignatureAssertion(_ request: Request) throws -> Response {
        let principal = try request.principal(as: Principal.self)
        let body = try request.decode(AssertionRequest.self)
        try validate(body.boletas)

        let signer: UserRecord
        if let email = body.email {
            signer = try authenticate(email: email, password: body.password, from: request.remoteAddress)
            guard signer.id == principal.userID || principal.hasVendorRole(.technician) else {
                throw HTTPError.forbidden("Only a technician may take another user's signature on its screen.")
            }
        } else {
            signer = try authenticate(userID: principal.userID, password: body.password, from: request.remoteAddress)
        }
        guard let clientCode = signer.clientCode else {
            throw HTTPError.forbidden("Only users of a client sign boletas.")
        }
        // Reachable only on the technician's screen: a caller's own token would not have got this far.
        guard !signer.mustChangePassword else {
            throw HTTPError.forbidden("The signer must choose its own password first.", code: .mustChangePassword)
        }

        let now = clock()
        let claims = SignatureAssertionClaims(
            signerID: signer.id, clientCode: clientCode, boletas: body.boletas, issuedAt: now,
            lifetime: configuration.signatureAssertionLifetime)
        try pool.withConnection { connection in
            _ = try connection.execute(
                "INSERT INTO signature_assertion (id, user_id, issued_at, expires_at) VALUES ($1, $2, $3, $4)",
                claims.tokenID, signer.id, claims.issuedAt, claims.expiresAt)
        }
        let assertion = try JSONWebToken.sign(claims: claims, key: configuration.signingKey)
        request.logger.debug(
            "Signature assertion issued",
            metadata: [
                "user.id": signer.id.uuidString, "assertion.id": claims.tokenID.uuidString,
                "boleta.count": String(body.boletas.count),
            ])
        return try .json(AssertionResponse(assertion: assertion, expiresAt: claims.expiresAt))
    }

    /// Refuses an empty or too long list, and hashes that are not SHA-256 in hexadecimal.
    private func validate(_ boletas: [SignedBoletaContent]) throws {
        var problems: [HTTPError.FieldError] = []
        if boletas.isEmpty || boletas.count > Self.maximumBoletasPerAssertion {
            problems.append(
                .init(field: "boletas", message: "Name between 1 and \(Self.maximumBoletasPerAssertion) boletas."))
        }
        for (index, boleta) in boletas.enumerated() {
            let isHex = boleta.contentHash.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
            if boleta.contentHash.utf8.count != 64 || !isHex {
                problems.append(
                    .init(
                        field: "boletas[\(index)].contentHash",
                        message: "The content hash must be 64 lowercase hexadecimal characters."))
            }
        }
        if Set(boletas.map(\.number)).count != boletas.count {
            problems.append(.init(field: "boletas", message: "Each boleta may appear only once."))
        }
        guard problems.isEmpty else { throw HTTPError.invalid(problems) }
    }
}
