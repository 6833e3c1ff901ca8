import Foundation
import Shared

/// Identity's own settings, beyond those every service reads.
struct IdentityConfiguration: Sendable {
    /// The key access tokens and signature assertions are signed with (`JWT_SIGNING_KEY`, a base64url seed).
    var signingKey: Ed25519.PrivateKey
    /// Mail's sealed-box public key, to which initial passwords are sealed (`MAIL_SEAL_PUBLIC_KEY`).
    var mailSealPublicKey: [UInt8]?
    var accessTokenLifetime: Duration
    var refreshTokenLifetime: Duration
    var signatureAssertionLifetime: Duration
    var initialPasswordLifetime: Duration
    /// How long a user stays active before it must be reactivated (R10).
    var activationCycleDays: Int
    /// How many days before the end of the cycle the managers are warned (R11).
    var inactivationWarningDays: Int
    var passwordHashLimits: PasswordHasher.Limits
    /// The first vendor support account, created at the first start when there is none.
    var bootstrapSupportEmail: String?
    var bootstrapSupportPassword: String?

    init(environment: Environment = Environment()) throws {
        guard let seed = environment["JWT_SIGNING_KEY"] else {
            throw ConfigurationError(
                variable: "JWT_SIGNING_KEY", problem: "is required; make one with identity-service generate-keys")
        }
        do {
            signingKey = try Ed25519.PrivateKey(base64URLSeed: seed)
        } catch {
            throw ConfigurationError(variable: "JWT_SIGNING_KEY", problem: "is not a base64url Ed25519 seed")
        }
        if let key = environment["MAIL_SEAL_PUBLIC_KEY"] {
            do {
                mailSealPublicKey = try Sodium.base64URLDecode(key)
            } catch {
                throw ConfigurationError(variable: "MAIL_SEAL_PUBLIC_KEY", problem: "is not base64url")
            }
        }
        accessTokenLifetime = .seconds(try environment.integer("ACCESS_TOKEN_SECONDS", default: 900, in: 30...86_400))
        refreshTokenLifetime = .seconds(
            try environment.integer("REFRESH_TOKEN_SECONDS", default: 8 * 3600, in: 60...(90 * 86_400)))
        signatureAssertionLifetime = .seconds(
            try environment.integer("SIGNATURE_ASSERTION_SECONDS", default: 120, in: 10...3600))
        initialPasswordLifetime = .seconds(
            try environment.integer("INITIAL_PASSWORD_HOURS", default: 72, in: 1...(24 * 30)) * 3600)
        activationCycleDays = try environment.integer("ACTIVATION_CYCLE_DAYS", default: 90, in: 1...3650)
        inactivationWarningDays = try environment.integer("INACTIVATION_WARNING_DAYS", default: 5, in: 1...60)
        passwordHashLimits = try PasswordHasher.Limits.from(environment)
        bootstrapSupportEmail = environment["BOOTSTRAP_SUPPORT_EMAIL"]
        bootstrapSupportPassword = environment["BOOTSTRAP_SUPPORT_PASSWORD"]
    }
}
