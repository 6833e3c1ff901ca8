/// The queues of one service on the broker: its own quorum queue, bound to the event types it
/// handles, and one delay queue per retry that dead-letters back into it.
public struct EventTopology: Sendable {
    /// The service's name, the prefix of its queues.
    public let service: String
    /// The domain events exchange (topic).
    public let eventsExchange: String
    /// The exchange and routing key of each binding.
    public let bindings: [(exchange: String, routingKey: String)]
    /// The delay before each retry.
    public let retryDelays: [Duration]

    public init(
        service: String, eventsExchange: String, bindings: [(exchange: String, routingKey: String)],
        retryDelays: [Duration]
    ) {
        self.service = service
        self.eventsExchange = eventsExchange
        self.bindings = bindings
        self.retryDelays = retryDelays
    }

    /// The service's queue, where events arrive and retries come back.
    public var queue: String { "\(service).events" }

    /// The delay queue of retry number `index` (from 0); its name carries its delay, since a
    /// queue's time-to-live cannot change once declared.
    public func retryQueue(_ index: Int) -> String {
        "\(service).events.retry.\(retryDelays[index].wholeMilliseconds)ms"
    }

    /// Declares the exchanges, queues and bindings; safe to repeat, as every service does at start.
    public func declare(on connection: AMQPConnection) throws {
        try connection.declareExchange(eventsExchange, type: .topic)
        for exchange in Set(bindings.map(\.exchange)) where exchange != eventsExchange {
            try connection.declareExchange(exchange, type: .topic)
        }
        try connection.declareQueue(queue, arguments: .quorum())
        for binding in bindings {
            try connection.bindQueue(queue, to: binding.exchange, routingKey: binding.routingKey)
        }
        for index in retryDelays.indices {
            try connection.declareQueue(
                retryQueue(index),
                arguments: AMQPQueueArguments(
                    deadLetterExchange: "", deadLetterRoutingKey: queue, messageTTL: retryDelays[index]))
        }
    }
}
