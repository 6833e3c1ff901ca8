import Foundation
import Shared

extension BoletaService {
    /// The most boletas one request signs, as many as one assertion may name.
    static let maximumSignaturesPerRequest = 100
    /// The longest observation kept with a signature or a decision.
    static let maximumObservationLength = 2000

    /// Verifies the signature assertion `token` with Identity's key; a 401 when it is not valid.
    func verifyAssertion(_ token: String) throws -> SignatureAssertionClaims {
        guard let key = context.configuration.jwtPublicKey, let publicKey = try? Ed25519.PublicKey(base64URL: key)
        else { throw HTTPError.unauthorized("This service has no key to verify signature assertions with.") }
        let verifier = TokenVerifier(publicKey: publicKey, audience: SignatureAssertionClaims.audience, clock: clock)
        do {
            return try verifier.verify(token, as: SignatureAssertionClaims.self)
        } catch {
            logger.debug("Signature assertion refused", metadata: ["token.error": error.code.rawValue])
            throw HTTPError(
                status: 401, code: "invalid-assertion", title: "Unauthorized",
                detail: "The signature assertion is not valid or has expired; type the password again.")
        }
    }

    /// Signs `items` with the assertion `token`, each one on its own: a refused item leaves the others
    /// signed (R20). Returns, in order, each signature or the reason it was refused.
    ///
    /// The caller is the signer itself, or a technician on whose screen the signer typed its password.
    /// The assertion is accepted once, even when every item it came with was refused (the signer types its
    /// password again for a new one): a second request with it is a 409 `assertion-used`.
    func sign(
        _ items: [SignatureItem], assertion token: String, request: Request
    ) throws
        -> [Result<SignatureView, SigningRefusal>]
    {
        let principal = try request.principal(as: Principal.self)
        let claims = try verifyAssertion(token)
        guard principal.userID == claims.signerID || principal.hasVendorRole(.technician) else {
            throw HTTPError.forbidden(
                "Only the signer, or a technician on whose screen it signs, presents its assertion.")
        }
        guard (1...Self.maximumSignaturesPerRequest).contains(items.count) else {
            throw HTTPError.invalid([
                .init(field: "items", message: "Sign between 1 and \(Self.maximumSignaturesPerRequest) boletas.")
            ])
        }
        let evidence = SigningEvidence(claims: claims, request: request, signedAt: clock())
        let results = try pool.withTransaction { connection in
            // Taken first, so that a concurrent request with the same assertion waits here, then finds it used.
            let fresh = try connection.execute(
                "INSERT INTO used_signature_assertion (id, used_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
                claims.tokenID, evidence.signedAt)
            guard fresh == 1 else {
                throw HTTPError.conflict("This signature assertion was already used.", code: "assertion-used")
            }
            let signer = try DirectoryCopy.user(id: claims.signerID, on: connection)
            return try items.map { item -> Result<SignatureView, SigningRefusal> in
                do {
                    return .success(try sign(item, by: signer, evidence: evidence, on: connection))
                } catch let refusal as SigningRefusal {
                    return .failure(refusal)
                }
            }
        }
        let signed = results.filter { if case .success = $0 { true } else { false } }.count
        request.logger.info(
            "Boletas signed",
            metadata: [
                "user.id": claims.signerID.uuidString, "assertion.id": claims.tokenID.uuidString,
                "boleta.count": String(signed), "boleta.refused": String(items.count - signed),
            ])
        return results
    }

    /// Signs one boleta, locked until the transaction ends, after every check of R20-R22 and R26; nothing
    /// is written when it is refused.
    private func sign(
        _ item: SignatureItem, by signer: DirectoryUser?, evidence: SigningEvidence, on connection: PostgresConnection
    ) throws -> SignatureView {
        let claims = evidence.claims
        let number = item.number
        guard let record = try loadBoleta(number, forUpdate: true, on: connection),
            record.draft.clientCode == claims.clientCode
        else { throw SigningRefusal(outcome: .notFound, detail: "There is no boleta \(number) to sign.") }
        switch record.status {
        case "unsigned": break
        case "signed": throw SigningRefusal(outcome: .alreadySigned, detail: "Boleta \(number) is already signed.")
        default: throw SigningRefusal(outcome: .conflict, detail: "Boleta \(number) is \(record.status).")
        }
        guard record.draft.contactUserID == claims.signerID else {
            throw SigningRefusal(outcome: .forbidden, detail: "Only the contact of boleta \(number) signs it.")
        }
        guard claims.boletas.contains(SignedBoletaContent(number: number, contentHash: record.contentHash)) else {
            throw SigningRefusal(
                outcome: .contentChanged,
                detail: "Boleta \(number) changed since it was shown; review it and sign again.")
        }
        guard let signer, signer.isActive, !signer.isDeleted, signer.clientCode == record.draft.clientCode else {
            throw SigningRefusal(outcome: .forbidden, detail: "The signer is not an active user of the client.")
        }
        let decision = try checkedDecision(item, record: record, signerID: claims.signerID, on: connection)
        let observation = try checkedText(item.observation, field: "observation") ?? ""
        let decisionObservation = try checkedText(item.decisionObservation, field: "decisionObservation")

        try connection.execute(
            """
            INSERT INTO signature (boleta_number, signer_user_id, signed_at, address, client_program, content_hash,
                assertion_id, agrees_with_nature, observation, decision, decision_observation)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """,
            number, claims.signerID, evidence.signedAt, evidence.address, evidence.clientProgram, record.contentHash,
            claims.tokenID, item.agreesWithNature, observation, decision?.rawValue,
            decision == nil ? nil : decisionObservation)
        try connection.execute(
            "UPDATE boleta SET status = 'signed', updated_at = $2 WHERE number = $1", number, evidence.signedAt)
        try outbox.append(
            BoletaSigned(
                number: number, clientCode: record.draft.clientCode, workDate: record.draft.workDate.description,
                signerUserId: claims.signerID, technicianUserId: record.technicianUserID,
                contactUserId: record.draft.contactUserID, approverUserId: record.draft.approverUserID,
                nature: record.draft.nature, amount: RecordingFormats.money(record.amount),
                agreesWithNature: item.agreesWithNature, observation: observation, decision: decision,
                decisionObservation: decision == nil ? nil : decisionObservation, signedAt: evidence.signedAt),
            clientCode: record.draft.clientCode, correlationId: evidence.requestID, occurredAt: evidence.signedAt,
            on: connection)
        return SignatureView(
            number: number, signerUserId: claims.signerID, signedAt: evidence.signedAt, address: evidence.address,
            clientProgram: evidence.clientProgram, contentHash: record.contentHash, assertionId: claims.tokenID,
            agreesWithNature: item.agreesWithNature, observation: observation, decision: decision,
            decisionObservation: decision == nil ? nil : decisionObservation)
    }

    /// The decision stated with the signature: only from the boleta's approver, on a billed or contracted
    /// boleta (R25, R26), that the approver has not decided on in Approval already (R27).
    ///
    /// Approval keeps the first decision, so a second one given with the signature would leave the
    /// signature saying one thing and Approval another: it is refused as `already-decided`, and the signer
    /// signs again without it. A decision that vendor support reopened no longer counts.
    private func checkedDecision(
        _ item: SignatureItem, record: BoletaRecord, signerID: UUID, on connection: PostgresConnection
    ) throws -> ApprovalDecision? {
        guard let text = item.decision else { return nil }
        guard let decision = ApprovalDecision(rawValue: text) else {
            throw SigningRefusal(outcome: .invalid, detail: "The decision is approve or reject.", field: "decision")
        }
        guard record.draft.approverUserID == signerID else {
            throw SigningRefusal(
                outcome: .invalid, detail: "Only the boleta's approver decides on it.", field: "decision")
        }
        guard record.draft.nature != .notBilled else {
            throw SigningRefusal(
                outcome: .invalid, detail: "A boleta that is not billed needs no decision.", field: "decision")
        }
        if let taken = try ApprovalOutcomes.find(record.number, on: connection)?.decision {
            throw SigningRefusal(
                outcome: .alreadyDecided,
                detail: "Boleta \(record.number) already has the approver's decision (\(taken.rawValue)); "
                    + "sign it without a decision.")
        }
        return decision
    }

    /// `text` when it is short enough to keep and holds no control character but line breaks.
    private func checkedText(_ text: String?, field: String) throws -> String? {
        if let error = TextRules.multiLineError(field, text) {
            throw SigningRefusal(outcome: .invalid, detail: "The \(field) \(error.message).", field: field)
        }
        guard let text, text.count > Self.maximumObservationLength else { return text }
        throw SigningRefusal(
            outcome: .invalid, detail: "At most \(Self.maximumObservationLength) characters.", field: field)
    }
}
