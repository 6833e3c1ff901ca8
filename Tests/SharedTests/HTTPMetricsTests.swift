import Foundation
import Synchronization
import Testing

@testable import Shared

struct HTTPMetricsTests {
    @Test func countersRenderWithHelpTypeAndEscapedLabels() {
        let registry = MetricsRegistry()
        let counter = registry.counter("events_total", help: "Events seen.\nBy type.", labels: ["type"])
        counter.increment(["boleta.signed"])
        counter.increment(["boleta.signed"], by: 2)
        counter.increment(["quote\"back\\slash\nline"])
        let text = registry.render()
        #expect(text.contains("# HELP events_total Events seen.\\nBy type.\n# TYPE events_total counter\n"))
        #expect(text.contains("events_total{type=\"boleta.signed\"} 3\n"))
        #expect(text.contains(#"events_total{type="quote\"back\\slash\nline"} 1"#))
    }

    @Test func histogramBucketsAreCumulativeWithSumAndCount() {
        let registry = MetricsRegistry()
        let histogram = registry.histogram("work_seconds", help: "Work.", labels: ["job"], buckets: [0.1, 1])
        histogram.observe(0.05, ["a"])
        histogram.observe(0.5, ["a"])
        histogram.observe(3, ["a"])
        let text = registry.render()
        #expect(text.contains("# TYPE work_seconds histogram\n"))
        #expect(text.contains("work_seconds_bucket{job=\"a\",le=\"0.1\"} 1\n"))
        #expect(text.contains("work_seconds_bucket{job=\"a\",le=\"1\"} 2\n"))
        #expect(text.contains("work_seconds_bucket{job=\"a\",le=\"+Inf\"} 3\n"))
        #expect(text.contains("work_seconds_sum{job=\"a\"} 3.55\n"))
        #expect(text.contains("work_seconds_count{job=\"a\"} 3\n"))
    }

    @Test func aCallbackGaugeIsComputedAtScrapeTime() {
        let registry = MetricsRegistry()
        let backlog = Mutex(5)
        registry.gauge("outbox_backlog", help: "Events not yet published.") { Double(backlog.withLock { $0 }) }
        #expect(registry.render().contains("outbox_backlog 5\n"))
        backlog.withLock { $0 = 2 }
        #expect(registry.render().contains("outbox_backlog 2\n"))
    }

    @Test func aFamilyAskedForTwiceIsShared() {
        let registry = MetricsRegistry()
        registry.counter("shared_total", help: "Shared.").increment()
        registry.counter("shared_total", help: "Shared.").increment()
        #expect(registry.counter("shared_total", help: "Shared.").value() == 2)
        let gauge = registry.gauge("level", help: "Level.", labels: ["queue"])
        gauge.set(4, ["q"])
        gauge.add(-1, ["q"])
        #expect(registry.render().contains("level{queue=\"q\"} 3\n"))
    }
}
