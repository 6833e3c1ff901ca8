import Foundation
import Synchronization

/// The metrics of one process, rendered for Prometheus at `/metrics`.
///
/// Families are registered once, usually at start, and updated from any thread. Asking again for
/// a family that exists returns it, so that two parts may share a metric by name.
public final class MetricsRegistry: Sendable {
    private let families = Mutex<[String: MetricFamily]>([:])

    /// Creates an empty registry.
    public init() {}

    /// The counter family `name`, registered on first use.
    public func counter(_ name: String, help: String, labels: [String] = []) -> Counter {
        register(name) { .counter(Counter(name: name, help: help, labelNames: labels)) }.counter(named: name)
    }

    /// The gauge family `name`, set by the code that owns the value; registered on first use.
    public func gauge(_ name: String, help: String, labels: [String] = []) -> Gauge {
        register(name) { .gauge(Gauge(name: name, help: help, labelNames: labels)) }.gauge(named: name)
    }

    /// Registers a gauge whose samples are computed at scrape time, such as an outbox backlog.
    ///
    /// - Parameter samples: called on the scraping thread; returns label values and a value per sample.
    public func gauge(
        _ name: String, help: String, labels: [String] = [],
        samples: @escaping @Sendable () -> [(labels: [String], value: Double)]
    ) {
        _ = register(name) { .gauge(Gauge(name: name, help: help, labelNames: labels, compute: samples)) }
    }

    /// Registers an unlabelled gauge whose value is computed at scrape time.
    public func gauge(_ name: String, help: String, value: @escaping @Sendable () -> Double) {
        gauge(name, help: help, labels: []) { [(labels: [], value: value())] }
    }

    /// The histogram family `name` with upper bucket bounds `buckets`, registered on first use.
    public func histogram(
        _ name: String, help: String, labels: [String] = [], buckets: [Double] = Histogram.defaultBuckets
    ) -> Histogram {
        register(name) { .histogram(Histogram(name: name, help: help, labelNames: labels, buckets: buckets)) }
            .histogram(named: name)
    }

    /// Every family in the Prometheus text exposition format (version 0.0.4), sorted by name.
    public func render() -> String {
        let snapshot = families.withLock { $0.sorted { $0.key < $1.key } }
        var output = ""
        for (_, family) in snapshot {
            family.render(into: &output)
        }
        return output
    }

    private func register(_ name: String, _ make: () -> MetricFamily) -> MetricFamily {
        families.withLock { families in
            if let existing = families[name] { return existing }
            let family = make()
            families[name] = family
            return family
        }
    }
}

/// One registered family of any kind.
enum MetricFamily: Sendable {
    case counter(Counter)
    case gauge(Gauge)
    case histogram(Histogram)

    func counter(named name: String) -> Counter {
        guard case .counter(let counter) = self else { preconditionFailure("Metric \(name) is not a counter") }
        return counter
    }

    func gauge(named name: String) -> Gauge {
        guard case .gauge(let gauge) = self else { preconditionFailure("Metric \(name) is not a gauge") }
        return gauge
    }

    func histogram(named name: String) -> Histogram {
        guard case .histogram(let histogram) = self else { preconditionFailure("Metric \(name) is not a histogram") }
        return histogram
    }

    func render(into output: inout String) {
        switch self {
        case .counter(let counter): counter.render(into: &output)
        case .gauge(let gauge): gauge.render(into: &output)
        case .histogram(let histogram): histogram.render(into: &output)
        }
    }
}

/// A value that only goes up, such as the number of requests answered.
public final class Counter: Sendable {
    /// The family's name.
    public let name: String
    let help: String
    let labelNames: [String]
    private let children = Mutex<[[String]: Child]>([:])

    /// One labelled sample; hold on to it to skip the label lookup on every increment.
    public final class Child: Sendable {
        private let bits = Atomic<UInt64>(Double(0).bitPattern)

        /// Adds `amount` (1 by default).
        public func increment(by amount: Double = 1) {
            var current = bits.load(ordering: .relaxed)
            while true {
                let next = (Double(bitPattern: current) + amount).bitPattern
                let (exchanged, original) = bits.compareExchange(
                    expected: current, desired: next, ordering: .relaxed)
                if exchanged { return }
                current = original
            }
        }

        /// The current value.
        public var value: Double { Double(bitPattern: bits.load(ordering: .relaxed)) }
    }

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
    }

    /// The sample with `labels`, given in the family's label order, created on first use.
    public func labels(_ labels: [String]) -> Child {
        precondition(labels.count == labelNames.count, "Counter \(name) takes labels \(labelNames)")
        return children.withLock { children in
            if let child = children[labels] { return child }
            let child = Child()
            children[labels] = child
            return child
        }
    }

    /// Adds `amount` (1 by default) to the sample with `labels`.
    public func increment(_ labels: [String] = [], by amount: Double = 1) {
        self.labels(labels).increment(by: amount)
    }

    /// The current value of the sample with `labels`, 0 if it was never incremented.
    public func value(_ labels: [String] = []) -> Double {
        children.withLock { $0[labels]?.value ?? 0 }
    }

    func render(into output: inout String) {
        let samples = children.withLock { $0.sorted { $0.key.lexicographicallyPrecedes($1.key) } }
        PrometheusText.header(name: name, help: help, type: "counter", into: &output)
        for (labels, child) in samples {
            PrometheusText.sample(name: name, labelNames: labelNames, labels: labels, value: child.value, into: &output)
        }
    }
}

/// A value that goes up and down, set directly or computed at scrape time.
public final class Gauge: Sendable {
    /// The family's name.
    public let name: String
    let help: String
    let labelNames: [String]
    private let values = Mutex<[[String]: Double]>([:])
    private let compute: (@Sendable () -> [(labels: [String], value: Double)])?

    init(
        name: String, help: String, labelNames: [String],
        compute: (@Sendable () -> [(labels: [String], value: Double)])? = nil
    ) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.compute = compute
    }

    /// Sets the sample with `labels` to `value`.
    public func set(_ value: Double, _ labels: [String] = []) {
        precondition(labels.count == labelNames.count, "Gauge \(name) takes labels \(labelNames)")
        values.withLock { $0[labels] = value }
    }

    /// Adds `amount` (which may be negative) to the sample with `labels`.
    public func add(_ amount: Double, _ labels: [String] = []) {
        precondition(labels.count == labelNames.count, "Gauge \(name) takes labels \(labelNames)")
        values.withLock { $0[labels, default: 0] += amount }
    }

    /// The current value of the sample with `labels`, 0 if it was never set.
    public func value(_ labels: [String] = []) -> Double {
        values.withLock { $0[labels] ?? 0 }
    }

    func render(into output: inout String) {
        var samples = values.withLock { $0.map { (labels: $0.key, value: $0.value) } }
        if let compute { samples += compute() }
        samples.sort { $0.labels.lexicographicallyPrecedes($1.labels) }
        PrometheusText.header(name: name, help: help, type: "gauge", into: &output)
        for sample in samples where sample.labels.count == labelNames.count {
            PrometheusText.sample(
                name: name, labelNames: labelNames, labels: sample.labels, value: sample.value, into: &output)
        }
    }
}

/// A distribution of observed values, such as request durations, counted in buckets.
public final class Histogram: Sendable {
    /// Bucket bounds suited to request durations in seconds.
    public static let defaultBuckets: [Double] = [
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    /// The family's name.
    public let name: String
    let help: String
    let labelNames: [String]
    let buckets: [Double]
    private let children = Mutex<[[String]: Child]>([:])

    /// One labelled sample; hold on to it to skip the label lookup on every observation.
    public final class Child: Sendable {
        fileprivate struct State {
            /// Observations per bucket, not cumulative; the last slot is the `+Inf` bucket.
            var counts: [UInt64]
            var sum: Double = 0
            var count: UInt64 = 0
        }

        private let buckets: [Double]
        fileprivate let state: Mutex<State>

        fileprivate init(buckets: [Double]) {
            self.buckets = buckets
            state = Mutex(State(counts: Array(repeating: 0, count: buckets.count + 1)))
        }

        /// Records one observation of `value`.
        public func observe(_ value: Double) {
            let index = buckets.firstIndex { value <= $0 } ?? buckets.count
            state.withLock { state in
                state.counts[index] += 1
                state.sum += value
                state.count += 1
            }
        }

        /// How many observations there are.
        public var count: UInt64 { state.withLock { $0.count } }
    }

    init(name: String, help: String, labelNames: [String], buckets: [Double]) {
        precondition(!labelNames.contains("le"), "Histogram \(name) must not use the label le")
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.buckets = buckets.sorted()
    }

    /// The sample with `labels`, given in the family's label order, created on first use.
    public func labels(_ labels: [String]) -> Child {
        precondition(labels.count == labelNames.count, "Histogram \(name) takes labels \(labelNames)")
        return children.withLock { children in
            if let child = children[labels] { return child }
            let child = Child(buckets: buckets)
            children[labels] = child
            return child
        }
    }

    /// Records one observation of `value` in the sample with `labels`.
    public func observe(_ value: Double, _ labels: [String] = []) {
        self.labels(labels).observe(value)
    }

    /// How many observations the sample with `labels` has.
    public func count(_ labels: [String] = []) -> UInt64 {
        children.withLock { $0[labels]?.count ?? 0 }
    }

    func render(into output: inout String) {
        let snapshot = children.withLock { $0.sorted { $0.key.lexicographicallyPrecedes($1.key) } }
        PrometheusText.header(name: name, help: help, type: "histogram", into: &output)
        let bucketNames = labelNames + ["le"]
        let bounds = buckets.map(PrometheusText.number) + ["+Inf"]
        for (labels, child) in snapshot {
            let sample = child.state.withLock { $0 }
            var cumulative: UInt64 = 0
            for (index, bound) in bounds.enumerated() {
                cumulative += sample.counts[index]
                PrometheusText.sample(
                    name: name + "_bucket", labelNames: bucketNames, labels: labels + [bound],
                    value: Double(cumulative), into: &output)
            }
            PrometheusText.sample(
                name: name + "_sum", labelNames: labelNames, labels: labels, value: sample.sum, into: &output)
            PrometheusText.sample(
                name: name + "_count", labelNames: labelNames, labels: labels, value: Double(sample.count),
                into: &output)
        }
    }
}
