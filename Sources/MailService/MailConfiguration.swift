import Foundation
import Shared

/// Mail's own settings, beyond those every service reads.
struct MailConfiguration: Sendable {
    /// The SMTP server (`SMTP_URL`, `SMTP_STARTTLS`, `SMTP_USERNAME`, `SMTP_PASSWORD`, `SMTP_TIMEOUT_MS`).
    var smtp: SMTPSettings
    /// The sender of every message (`MAIL_FROM`, `MAIL_FROM_NAME`).
    var sender: MailAddress
    /// The key pair that opens the initial passwords Identity seals (`MAIL_SEAL_SECRET_KEY`); without
    /// it, welcome messages cannot be written and their events are parked until it is set.
    var sealKeys: SealedBox.KeyPair?
    /// The delay after the first failed attempt; it doubles at each further one (`MAIL_RETRY_BASE_MS`).
    var retryBase: Duration
    /// The longest delay between two attempts (`MAIL_RETRY_MAX_MS`).
    var retryMax: Duration
    /// How long the delivery part sleeps when no notification wakes it (`MAIL_POLL_INTERVAL_MS`).
    var pollInterval: Duration
    /// The time zone of dates and times when the client names none (`MAIL_TIME_ZONE`).
    var defaultTimeZone: TimeZone
    /// How long a signature request waits before it goes, so that a contact who signs at once on the
    /// technician's screen is not asked to sign (`MAIL_SIGNATURE_REQUEST_DELAY_MS`, R24).
    var signatureRequestDelay: Duration
    /// How long an attempt may be on its way before another instance takes the message as
    /// interrupted (`MAIL_SENDING_LEASE_MS`); longer than `SMTP_TIMEOUT_MS`, which bounds an attempt.
    var sendingLease: Duration

    init(environment: Environment = Environment()) throws {
        let url = environment.string("SMTP_URL", default: "smtp://127.0.0.1:1025")
        guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://") else {
            throw ConfigurationError(
                variable: "SMTP_URL", problem: "must start with smtp:// or smtps://, not \"\(url)\"")
        }
        smtp = SMTPSettings(
            url: url, requiresStartTLS: try environment.bool("SMTP_STARTTLS", default: false),
            username: environment["SMTP_USERNAME"], password: environment["SMTP_PASSWORD"],
            timeout: try environment.milliseconds("SMTP_TIMEOUT_MS", default: .seconds(30)))
        let from = environment.string("MAIL_FROM", default: "suporte@localhost")
        guard from.contains("@"), !from.contains("<"), !from.contains(" ") else {
            throw ConfigurationError(variable: "MAIL_FROM", problem: "must be a bare e-mail address, not \"\(from)\"")
        }
        sender = MailAddress(name: environment.string("MAIL_FROM_NAME", default: "Suporte"), email: from)

        if let secret = environment["MAIL_SEAL_SECRET_KEY"] {
            do {
                sealKeys = try SealedBox.KeyPair(secretKey: try Sodium.base64URLDecode(secret))
            } catch {
                throw ConfigurationError(
                    variable: "MAIL_SEAL_SECRET_KEY", problem: "is not a base64url sealed-box secret key")
            }
            if let expected = environment["MAIL_SEAL_PUBLIC_KEY"],
                (try? Sodium.base64URLDecode(expected)) != sealKeys?.publicKey
            {
                throw ConfigurationError(
                    variable: "MAIL_SEAL_PUBLIC_KEY", problem: "is not the public half of MAIL_SEAL_SECRET_KEY")
            }
        }
        retryBase = try environment.milliseconds("MAIL_RETRY_BASE_MS", default: .seconds(30))
        retryMax = try environment.milliseconds("MAIL_RETRY_MAX_MS", default: .seconds(3600))
        pollInterval = try environment.milliseconds("MAIL_POLL_INTERVAL_MS", default: .seconds(1))
        let zone = environment.string("MAIL_TIME_ZONE", default: "America/Sao_Paulo")
        guard let timeZone = TimeZone(identifier: zone) else {
            throw ConfigurationError(variable: "MAIL_TIME_ZONE", problem: "names no time zone: \"\(zone)\"")
        }
        defaultTimeZone = timeZone
        signatureRequestDelay = try environment.milliseconds("MAIL_SIGNATURE_REQUEST_DELAY_MS", default: .seconds(600))
        sendingLease = try environment.milliseconds("MAIL_SENDING_LEASE_MS", default: smtp.timeout + .seconds(60))
        guard sendingLease > smtp.timeout else {
            throw ConfigurationError(
                variable: "MAIL_SENDING_LEASE_MS",
                problem: "must be longer than SMTP_TIMEOUT_MS (\(smtp.timeout.wholeMilliseconds)), or an attempt still "
                    + "on its way could be taken for an interrupted one and sent twice")
        }
    }

    /// The delay before attempt `attempts + 1`, after `attempts` failed ones.
    func retryDelay(afterAttempts attempts: Int) -> Duration {
        let exponent = min(max(attempts - 1, 0), 30)
        let delay = retryBase * (1 << exponent)
        return min(delay, retryMax)
    }
}
