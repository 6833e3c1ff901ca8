import Foundation
import Synchronization

/// A one-way switch that tells long-running parts to finish: set once, on shutdown.
///
/// Parts poll ``isStopped`` between units of work and wait with ``sleep(for:)``, which returns
/// early when the switch is set, so that a back-off never delays a shutdown.
public final class StopSignal: Sendable {
    private let stopped = Atomic<Bool>(false)
    // NSCondition is thread-safe; it only wakes sleepers, the state itself is the atomic above.
    private let condition = NSCondition()

    public init() {}

    /// Whether shutdown has begun.
    public var isStopped: Bool { stopped.load(ordering: .acquiring) }

    /// Begins shutdown and wakes every sleeper.
    public func stop() {
        stopped.store(true, ordering: .releasing)
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for `duration` or until shutdown begins; returns whether it has begun.
    @discardableResult
    public func sleep(for duration: Duration) -> Bool {
        let deadline = Date().addingTimeInterval(duration.seconds)
        condition.lock()
        defer { condition.unlock() }
        while !isStopped {
            if !condition.wait(until: deadline) { break }
        }
        return isStopped
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number for APIs that want one.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The duration in whole milliseconds, rounded down.
    public var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
