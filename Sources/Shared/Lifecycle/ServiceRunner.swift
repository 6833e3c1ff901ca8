import Foundation
import Synchronization

/// A long-running part of a service: an HTTP server, a consumer, the outbox relay, a scheduler.
public protocol ServicePart: Sendable {
    /// A short name for logs, such as `http` or `outbox-relay`.
    var name: String { get }

    /// Does the part's work until `stop` is set, then finishes what is in flight and returns.
    ///
    /// Called on a thread of its own: blocking calls are expected. Throwing stops the service.
    func run(until stop: StopSignal) throws
}

/// Runs the parts of a service together and stops them together.
///
/// Each part gets a thread of its own, because the C libraries underneath block. The first part
/// that fails stops the others; SIGTERM and SIGINT stop them all gracefully.
public final class ServiceRunner: Sendable {
    private let logger: Logger
    private let parts: [any ServicePart]
    /// Set to stop every part; public so that tests and embedding code can stop a service.
    public let stopSignal = StopSignal()
    private let failure = Mutex<String?>(nil)

    public init(logger: Logger, parts: [any ServicePart]) {
        self.logger = logger
        self.parts = parts
    }

    /// Blocks SIGTERM and SIGINT in this thread and in every thread started after it, so that
    /// ``runUntilSignalled()`` can wait for them. Call first thing in `main`.
    public static func blockTerminationSignals() {
        var signals = terminationSignals()
        pthread_sigmask(SIG_BLOCK, &signals, nil)
    }

    private static func terminationSignals() -> sigset_t {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        return signals
    }

    /// Starts every part, waits for SIGTERM or SIGINT (or a part's failure), stops everything,
    /// and returns the process's exit status.
    public func runUntilSignalled() -> Int32 {
        let watcher = Thread { [stopSignal, logger] in
            var signals = ServiceRunner.terminationSignals()
            var received: Int32 = 0
            sigwait(&signals, &received)
            logger.notice("Shutdown signal received", metadata: ["signal": "\(received)"])
            stopSignal.stop()
        }
        watcher.start()
        return run()
    }

    /// Starts every part and waits until all of them have returned; returns the exit status.
    public func run() -> Int32 {
        let group = DispatchGroup()
        for part in parts {
            group.enter()
            let thread = Thread { [self] in
                defer { group.leave() }
                do {
                    logger.info("Part started", metadata: ["part": part.name])
                    try part.run(until: stopSignal)
                    logger.info("Part stopped", metadata: ["part": part.name])
                } catch {
                    logger.error("Part failed", metadata: ["part": part.name, "error": "\(error)"])
                    failure.withLock { $0 = $0 ?? part.name }
                    stopSignal.stop()
                }
            }
            thread.name = part.name
            thread.start()
        }
        group.wait()
        return failure.withLock { $0 } == nil ? 0 : 1
    }
}
