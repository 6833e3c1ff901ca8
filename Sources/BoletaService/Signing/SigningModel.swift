import Foundation
import Shared

/// One boleta the signer signs, with what it states about it (R21, R26).
struct SignatureItem: Decodable, Sendable {
    var number: Int64
    /// Whether the signer agrees with the nature the technician set.
    var agreesWithNature: Bool
    var observation: String?
    /// `approve` or `reject`, only from the boleta's approver and for a billed or contracted boleta.
    var decision: String?
    var decisionObservation: String?
}

/// The body of `POST /boletas/{number}/signature`: one item, its number in the path.
struct SingleSignatureBody: Decodable {
    var assertion: String
    var agreesWithNature: Bool
    var observation: String?
    var decision: String?
    var decisionObservation: String?

    func item(number: Int64) -> SignatureItem {
        SignatureItem(
            number: number, agreesWithNature: agreesWithNature, observation: observation, decision: decision,
            decisionObservation: decisionObservation)
    }
}

/// The body of `POST /signatures`: many boletas signed with one assertion (R20).
struct BatchSignatureBody: Decodable {
    var assertion: String
    var items: [SignatureItem]
}

/// How signing one boleta ended.
enum SigningOutcome: String, Codable, Sendable {
    case signed
    /// No such boleta for the signer's client, or it was deleted.
    case notFound = "not-found"
    /// The signer is not the boleta's contact, or is no longer active.
    case forbidden
    case alreadySigned = "already-signed"
    /// The boleta changed since the signer saw it, or the assertion does not name it.
    case contentChanged = "content-changed"
    /// The boleta was cancelled.
    case conflict
    /// A decision came with the signature, but the approver already decided in Approval (R27).
    case alreadyDecided = "already-decided"
    /// Something stated with the signature is not acceptable (a decision from someone else).
    case invalid
}

/// A boleta the signer could not sign, and why; the others of the batch are signed anyway.
struct SigningRefusal: Error, Sendable {
    var outcome: SigningOutcome
    var detail: String
    /// The field at fault, for ``SigningOutcome/invalid``.
    var field: String?

    /// The problem the single-boleta endpoint answers for this refusal.
    var problem: HTTPError {
        switch outcome {
        case .notFound, .signed: .notFound(detail)
        case .forbidden: .forbidden(detail)
        case .alreadySigned: .conflict(detail, code: "already-signed")
        case .contentChanged: .conflict(detail, code: "content-changed")
        case .alreadyDecided: .conflict(detail, code: "already-decided")
        case .conflict: .conflict(detail)
        case .invalid: .invalid([HTTPError.FieldError(field: field ?? "items", message: detail)], detail: detail)
        }
    }
}

/// A signature as kept, the evidence of R22.
struct SignatureView: Codable, Sendable {
    var number: Int64
    var signerUserId: UUID
    var signedAt: Date
    var address: String
    var clientProgram: String
    var contentHash: String
    var assertionId: UUID
    var agreesWithNature: Bool
    var observation: String
    var decision: ApprovalDecision?
    var decisionObservation: String?
}

/// What `POST /signatures` answers for each item, in the order given.
struct SigningResult: Encodable, Sendable {
    var number: Int64
    var outcome: SigningOutcome
    var detail: String
    var signature: SignatureView?
}

/// What every signature of one request shares: who signs, when, from where, with which assertion.
struct SigningEvidence: Sendable {
    /// The most characters of the User-Agent kept as the client program.
    static let maximumProgramLength = 200

    var claims: SignatureAssertionClaims
    var signedAt: Date
    var address: String
    var clientProgram: String
    var requestID: String

    /// The evidence of `request`, signed at `signedAt` with the assertion `claims`.
    init(claims: SignatureAssertionClaims, request: Request, signedAt: Date) {
        self.claims = claims
        self.signedAt = signedAt
        address = request.remoteAddress
        let agent = (request.headers["User-Agent"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        clientProgram = agent.isEmpty ? "unknown" : String(agent.prefix(Self.maximumProgramLength))
        requestID = request.id
    }
}
