import Foundation

/// How long to wait between attempts at something that fails for a while, such as reaching a restarting broker:
/// exponential growth from ``initialDelay`` up to ``maximumDelay``, with random jitter so that many clients that
/// lost the broker together do not come back together.
public struct BackoffPolicy: Sendable, Equatable {
    /// The wait after the first failure.
    public var initialDelay: Duration
    /// The longest wait, however many attempts failed.
    public var maximumDelay: Duration
    /// How much each wait grows over the previous one.
    public var multiplier: Double
    /// The share of each wait that is random: 0.2 waits between 80 % and 100 % of the computed delay.
    public var jitter: Double

    /// Creates a policy; the defaults suit a broker or database restart (0.2 s, doubling, at most 30 s).
    public init(
        initialDelay: Duration = .milliseconds(200), maximumDelay: Duration = .seconds(30), multiplier: Double = 2,
        jitter: Double = 0.2
    ) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.multiplier = max(multiplier, 1)
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The wait after `failures` consecutive failures (1 for the first), jitter included.
    public func delay(afterFailures failures: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(afterFailures: failures, using: &generator)
    }

    /// The wait after `failures` consecutive failures, drawing the jitter from `generator`.
    public func delay(afterFailures failures: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let exponent = Double(max(failures, 1) - 1)
        let computed = min(initialDelay.seconds * pow(multiplier, exponent), maximumDelay.seconds)
        // 53 random bits give a uniform fraction in [0, 1).
        let fraction = Double(generator.next() >> 11) * 0x1p-53
        let factor = 1 - jitter * fraction
        return .microseconds(Int64(computed * factor * 1_000_000))
    }

    /// Calls `attempt` until it succeeds, waiting between failures; `nil` once `stop` is set, never before.
    ///
    /// Each failure is logged at notice with its wait, since a service that cannot reach a dependency is degraded
    /// but needs nobody yet. The wait returns early when `stop` is set.
    public func retry<Value>(
        _ what: String, until stop: StopSignal, logger: Logger, _ attempt: () throws -> Value
    ) -> Value? {
        var failures = 0
        while !stop.isStopped {
            do {
                let value = try attempt()
                if failures > 0 {
                    logger.info("Retry succeeded", metadata: ["retry.what": what, "retry.failures": "\(failures)"])
                }
                return value
            } catch {
                failures += 1
                let wait = delay(afterFailures: failures)
                logger.notice(
                    "Retry after failure",
                    metadata: [
                        "retry.what": what, "retry.failures": "\(failures)",
                        "retry.delayMs": "\(wait.wholeMilliseconds)", "error": "\(error)",
                    ])
                stop.sleep(for: wait)
            }
        }
        return nil
    }
}

extension AMQPConnection {
    /// Opens a connection, retrying with `policy` while the broker cannot be reached; `nil` once `stop` is set.
    ///
    /// This is how a publisher or consumer loop starts, and starts again after an error whose
    /// ``AMQPError/requiresNewConnection`` is true (a broker restart, say).
    public static func open(
        settings: AMQPConnectionSettings, retrying policy: BackoffPolicy, until stop: StopSignal, logger: Logger
    ) -> AMQPConnection? {
        policy.retry("amqp.connect", until: stop, logger: logger) {
            try AMQPConnection(settings: settings, logger: logger)
        }
    }
}
