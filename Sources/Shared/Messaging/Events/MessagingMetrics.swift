/// The metrics of a service's outbox relay and event consumer.
public struct MessagingMetrics: Sendable {
    /// Outbox rows the broker confirmed.
    public let outboxPublished: Counter
    /// Events taken from the service's queue, by type and outcome (`processed`, `duplicate`,
    /// `retried`, `parked`).
    public let eventsConsumed: Counter

    /// Registers the metrics in `registry`.
    public init(registry: MetricsRegistry) {
        outboxPublished = registry.counter(
            "outbox_published_total", help: "Outbox rows published and confirmed by the broker.")
        eventsConsumed = registry.counter(
            "events_consumed_total", help: "Events taken from the service's queue, by type and outcome.",
            labels: ["type", "outcome"])
    }
}
