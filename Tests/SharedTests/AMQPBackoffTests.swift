import Foundation
import Testing

@testable import Shared

struct AMQPBackoffTests {
    /// A generator that always draws the same bits, so that jitter is predictable.
    struct FixedGenerator: RandomNumberGenerator {
        var value: UInt64
        mutating func next() -> UInt64 { value }
    }

    @Test func delaysDoubleUpToTheCap() {
        let policy = BackoffPolicy(initialDelay: .milliseconds(100), maximumDelay: .seconds(1), jitter: 0)
        let delays = (1...6).map { policy.delay(afterFailures: $0).wholeMilliseconds }
        #expect(delays == [100, 200, 400, 800, 1000, 1000])
    }

    @Test(arguments: [(UInt64.min, Int64(2000)), (UInt64.max / 2, Int64(1800)), (UInt64.max, Int64(1600))])
    func jitterTakesAtMostItsShareOffTheDelay(draw: UInt64, expectedMilliseconds: Int64) {
        let policy = BackoffPolicy(initialDelay: .seconds(1), maximumDelay: .seconds(10), jitter: 0.2)
        var generator = FixedGenerator(value: draw)
        let delay = policy.delay(afterFailures: 2, using: &generator)
        #expect(abs(delay.wholeMilliseconds - expectedMilliseconds) <= 1)
    }

    @Test func jitterDiffersBetweenClients() {
        let policy = BackoffPolicy(initialDelay: .seconds(1), jitter: 0.5)
        let delays = Set((0..<20).map { _ in policy.delay(afterFailures: 3) })
        #expect(delays.count > 1)
        #expect(delays.allSatisfy { $0 > .seconds(2) && $0 <= .seconds(4) })
    }

    @Test func retryingAnUnreachableBrokerGivesUpOnlyWhenStopped() throws {
        let stop = StopSignal()
        let settings = AMQPConnectionSettings(host: "127.0.0.1", port: 1, connectTimeout: .seconds(1))
        let sink = MemoryLogSink()
        let stopper = Thread {
            Thread.sleep(forTimeInterval: 0.5)
            stop.stop()
        }
        stopper.start()
        let started = ContinuousClock.now
        let connection = AMQPConnection.open(
            settings: settings, retrying: BackoffPolicy(initialDelay: .milliseconds(20), maximumDelay: .seconds(5)),
            until: stop, logger: Logger(label: "test", sink: sink))
        #expect(connection == nil)
        #expect(ContinuousClock.now - started >= .milliseconds(450))
        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(sink.lines.count >= 3)
        #expect(sink.lines.allSatisfy { $0.contains("connection-failed") })
    }

    @Test func retryingAReachableBrokerReturnsTheConnection() throws {
        let connection = AMQPConnection.open(
            settings: try AMQPTestBroker.settings(), retrying: BackoffPolicy(), until: StopSignal(),
            logger: AMQPTestBroker.logger)
        #expect(connection?.isOpen == true)
        connection?.close()
    }
}
