import Foundation

/// A message to publish: where it goes, its body, and the properties consumers read.
public struct OutgoingMessage: Sendable, Equatable {
    /// The exchange to publish to; empty for the default exchange, which routes to the queue named by the key.
    public var exchange: String
    /// The routing key; for domain events, the event type (`boleta.signed`).
    public var routingKey: String
    /// The body, usually a JSON document.
    public var body: Data
    /// The `message-id` property, unique per message (for events, the event id); also how a returned message is
    /// told apart from the others of its batch.
    public var messageID: String
    /// The `type` property, for events the event type.
    public var type: String?
    /// The `content-type` property.
    public var contentType: String
    /// The `timestamp` property, which AMQP keeps in whole seconds.
    public var timestamp: Date
    /// The `correlation-id` property.
    public var correlationID: String?
    /// The `app-id` property: the producing service.
    public var appID: String?
    /// Application headers.
    public var headers: [String: String]
    /// Whether the broker writes the message to disk (delivery mode 2); true unless told otherwise.
    public var isPersistent: Bool

    /// Creates a message; only destination, body and id are required.
    public init(
        exchange: String, routingKey: String, body: Data, messageID: String, type: String? = nil,
        contentType: String = "application/json", timestamp: Date = Date(), correlationID: String? = nil,
        appID: String? = nil, headers: [String: String] = [:], isPersistent: Bool = true
    ) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.messageID = messageID
        self.type = type
        self.contentType = contentType
        self.timestamp = timestamp
        self.correlationID = correlationID
        self.appID = appID
        self.headers = headers
        self.isPersistent = isPersistent
    }
}

/// What the broker did with one published message.
public enum PublishOutcome: Sendable, Equatable {
    /// The broker took responsibility for it (`basic.ack`): it is in every queue it was routed to.
    case confirmed
    /// The broker refused it (`basic.nack`), for example because a queue was full and rejects publishes.
    case nacked
    /// It matched no queue and came back (`basic.return`); the broker's reply code is 312 `NO_ROUTE`.
    case unroutable(replyCode: Int, replyText: String)

    /// Whether the message is safely with the broker.
    public var isConfirmed: Bool { self == .confirmed }
}
