import CRabbitMQ
import Foundation

/// A message the broker delivered to an ``AMQPConsumer``, copied out of rabbitmq-c's memory.
public struct Delivery: Sendable {
    /// The tag to acknowledge the message with; valid only on the consumer (channel) that received it.
    public var deliveryTag: UInt64
    /// Whether the broker delivered this message before, to this or another consumer, without an ack.
    public var isRedelivered: Bool
    /// The exchange the message was published to; empty for the default exchange.
    public var exchange: String
    /// The routing key it was published with.
    public var routingKey: String
    /// The body.
    public var body: Data
    /// The `message-id` property.
    public var messageID: String?
    /// The `type` property.
    public var type: String?
    /// The `content-type` property.
    public var contentType: String?
    /// The `correlation-id` property.
    public var correlationID: String?
    /// The `app-id` property.
    public var appID: String?
    /// The `timestamp` property, in whole seconds.
    public var timestamp: Date?
    /// The headers whose values are text, numbers or Booleans, as text (`"42"`, `"true"`).
    public var headers: [String: String]
    /// Every header as it came, nested tables and arrays included (the broker's `x-death`, for one).
    public var headerFields: [String: AMQPFieldValue]

    /// Creates a delivery; the consumer makes them, tests may too.
    public init(
        deliveryTag: UInt64, isRedelivered: Bool = false, exchange: String = "", routingKey: String, body: Data,
        messageID: String? = nil, type: String? = nil, contentType: String? = nil, correlationID: String? = nil,
        appID: String? = nil, timestamp: Date? = nil, headerFields: [String: AMQPFieldValue] = [:]
    ) {
        self.deliveryTag = deliveryTag
        self.isRedelivered = isRedelivered
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.messageID = messageID
        self.type = type
        self.contentType = contentType
        self.correlationID = correlationID
        self.appID = appID
        self.timestamp = timestamp
        self.headerFields = headerFields
        self.headers = headerFields.compactMapValues(\.text)
    }

    /// Copies what an envelope holds; the envelope may be destroyed afterwards.
    init(envelope: amqp_envelope_t) {
        let properties = envelope.message.properties
        func text(_ flag: Int32, _ bytes: amqp_bytes_t) -> String? {
            properties._flags & amqp_flags_t(flag) != 0 ? AMQPDecoding.string(bytes) : nil
        }
        let hasTimestamp = properties._flags & amqp_flags_t(AMQP_BASIC_TIMESTAMP_FLAG) != 0
        let hasHeaders = properties._flags & amqp_flags_t(AMQP_BASIC_HEADERS_FLAG) != 0
        self.init(
            deliveryTag: envelope.delivery_tag, isRedelivered: envelope.redelivered != 0,
            exchange: AMQPDecoding.string(envelope.exchange), routingKey: AMQPDecoding.string(envelope.routing_key),
            body: AMQPDecoding.data(envelope.message.body),
            messageID: text(AMQP_BASIC_MESSAGE_ID_FLAG, properties.message_id),
            type: text(AMQP_BASIC_TYPE_FLAG, properties.type),
            contentType: text(AMQP_BASIC_CONTENT_TYPE_FLAG, properties.content_type),
            correlationID: text(AMQP_BASIC_CORRELATION_ID_FLAG, properties.correlation_id),
            appID: text(AMQP_BASIC_APP_ID_FLAG, properties.app_id),
            timestamp: hasTimestamp ? Date(timeIntervalSince1970: Double(properties.timestamp)) : nil,
            headerFields: hasHeaders ? AMQPDecoding.table(properties.headers) : [:])
    }
}
