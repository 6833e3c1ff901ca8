import Foundation

/// What a service does with one type of event, inside the transaction that records it in the inbox.
public struct EventHandler: Sendable {
    /// The envelope type this handler takes, such as `boleta.signed`.
    public let eventType: String
    /// The exchange the service's queue is bound to for this type; `nil` for the domain events exchange.
    public let exchange: String?
    let handle: @Sendable (_ body: Data, _ connection: PostgresConnection) throws -> Void

    /// A handler of `Event`, decoded from its envelope; a body that does not decode is parked at
    /// once with the field at fault, since trying again cannot help.
    public static func on<Event: DomainEvent>(
        _ event: Event.Type, exchange: String? = nil,
        _ body: @escaping @Sendable (EventEnvelope<Event>, PostgresConnection) throws -> Void
    ) -> EventHandler {
        EventHandler(eventType: Event.type, exchange: exchange) { data, connection in
            let envelope: EventEnvelope<Event>
            do {
                envelope = try EventCoding.decoder().decode(EventEnvelope<Event>.self, from: data)
            } catch {
                throw EventRejection(EventCoding.describe(error))
            }
            try body(envelope, connection)
        }
    }
}

extension EventHandler {
    /// Joins two lists of handlers: where both handle one event type, both run, `first`'s before
    /// `second`'s, in the same transaction.
    public static func merging(_ first: [EventHandler], _ second: [EventHandler]) -> [EventHandler] {
        var merged: [EventHandler] = []
        var byType: [String: Int] = [:]
        for handler in first + second {
            guard let index = byType[handler.eventType] else {
                byType[handler.eventType] = merged.count
                merged.append(handler)
                continue
            }
            let earlier = merged[index]
            merged[index] = EventHandler(eventType: handler.eventType, exchange: earlier.exchange) { body, connection in
                try earlier.handle(body, connection)
                try handler.handle(body, connection)
            }
        }
        return merged
    }
}

/// An event that can never be handled as it is (a bad field, a reference to nothing): it is
/// parked at once with this reason rather than retried.
public struct EventRejection: Error, CustomStringConvertible {
    /// Why the event cannot be handled, naming the field at fault where there is one.
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
