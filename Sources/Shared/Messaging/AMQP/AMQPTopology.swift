import CRabbitMQ
import Foundation

/// The kind of an exchange.
public struct AMQPExchangeType: RawRepresentable, Hashable, Sendable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Routes by pattern over dotted routing keys (`boleta.*`); what domain events use.
    public static let topic = AMQPExchangeType(rawValue: "topic")
    /// Routes by exact routing key.
    public static let direct = AMQPExchangeType(rawValue: "direct")
    /// Routes to every bound queue.
    public static let fanout = AMQPExchangeType(rawValue: "fanout")
}

/// The optional arguments of a queue (`x-queue-type`, dead-lettering, limits).
public struct AMQPQueueArguments: Sendable, Equatable {
    /// `x-queue-type`: `quorum` for replicated, durable service queues; `nil` for a classic queue.
    public var queueType: String?
    /// `x-dead-letter-exchange`: where rejected, expired or over-limit messages go.
    public var deadLetterExchange: String?
    /// `x-dead-letter-routing-key`: the routing key dead-lettered messages get instead of their own.
    public var deadLetterRoutingKey: String?
    /// `x-message-ttl`: how long a message may wait in the queue, in whole milliseconds.
    public var messageTTL: Duration?
    /// `x-delivery-limit` (quorum queues): how often a message may be redelivered before it is dead-lettered.
    public var deliveryLimit: Int?
    /// `x-max-length`: how many messages the queue holds at most.
    public var maxLength: Int?
    /// `x-overflow`: what happens past the maximum length (`drop-head`, `reject-publish`).
    public var overflow: String?
    /// Any other argument, which wins over the fields above when it names the same key.
    public var extra: [String: AMQPFieldValue]

    /// Creates arguments; every one is optional.
    public init(
        queueType: String? = nil, deadLetterExchange: String? = nil, deadLetterRoutingKey: String? = nil,
        messageTTL: Duration? = nil, deliveryLimit: Int? = nil, maxLength: Int? = nil, overflow: String? = nil,
        extra: [String: AMQPFieldValue] = [:]
    ) {
        self.queueType = queueType
        self.deadLetterExchange = deadLetterExchange
        self.deadLetterRoutingKey = deadLetterRoutingKey
        self.messageTTL = messageTTL
        self.deliveryLimit = deliveryLimit
        self.maxLength = maxLength
        self.overflow = overflow
        self.extra = extra
    }

    /// Arguments of a quorum queue, the kind every service's own queue is.
    public static func quorum(
        deadLetterExchange: String? = nil, deadLetterRoutingKey: String? = nil, deliveryLimit: Int? = nil
    ) -> AMQPQueueArguments {
        AMQPQueueArguments(
            queueType: "quorum", deadLetterExchange: deadLetterExchange, deadLetterRoutingKey: deadLetterRoutingKey,
            deliveryLimit: deliveryLimit)
    }

    /// The arguments as the field table the broker reads.
    public var table: [String: AMQPFieldValue] {
        var table: [String: AMQPFieldValue] = [:]
        table["x-queue-type"] = queueType.map(AMQPFieldValue.string)
        table["x-dead-letter-exchange"] = deadLetterExchange.map(AMQPFieldValue.string)
        table["x-dead-letter-routing-key"] = deadLetterRoutingKey.map(AMQPFieldValue.string)
        table["x-message-ttl"] = messageTTL.map { .integer($0.wholeMilliseconds) }
        table["x-delivery-limit"] = deliveryLimit.map { .integer(Int64($0)) }
        table["x-max-length"] = maxLength.map { .integer(Int64($0)) }
        table["x-overflow"] = overflow.map(AMQPFieldValue.string)
        table.merge(extra) { _, given in given }
        return table
    }
}

extension AMQPConnection {
    /// Declares a durable exchange, or checks that an identical one exists.
    ///
    /// Throws ``AMQPError/Code/channelClosed`` (reply 406) when one of that name exists with other properties.
    public func declareExchange(_ name: String, type: AMQPExchangeType = .topic, durable: Bool = true) throws {
        try ensureChannel()
        AMQPArena.withArena { arena in
            _ = amqp_exchange_declare(
                state, channel, arena.bytes(name), arena.bytes(type.rawValue), 0, durable ? 1 : 0, 0, 0,
                amqp_table_t(num_entries: 0, entries: nil))
        }
        try check(amqp_get_rpc_reply(state), call: "amqp_exchange_declare")
    }

    /// Declares a queue (durable, not exclusive, not auto-deleted unless told), or checks that an identical one
    /// exists; returns how many messages it holds.
    ///
    /// Throws ``AMQPError/Code/channelClosed`` (reply 406) when one of that name exists with other arguments.
    @discardableResult
    public func declareQueue(
        _ name: String, durable: Bool = true, exclusive: Bool = false, autoDelete: Bool = false,
        arguments: AMQPQueueArguments = AMQPQueueArguments()
    ) throws -> Int {
        try ensureChannel()
        let messageCount = AMQPArena.withArena { arena in
            amqp_queue_declare(
                state, channel, arena.bytes(name), 0, durable ? 1 : 0, exclusive ? 1 : 0, autoDelete ? 1 : 0,
                arena.table(arguments.table)
            )?.pointee.message_count
        }
        try check(amqp_get_rpc_reply(state), call: "amqp_queue_declare")
        return Int(messageCount ?? 0)
    }

    /// How many ready messages the queue holds, by a passive declare.
    ///
    /// Throws ``AMQPError/Code/channelClosed`` with reply 404 when the queue does not exist.
    public func messageCount(inQueue name: String) throws -> Int {
        try ensureChannel()
        let messageCount = AMQPArena.withArena { arena in
            amqp_queue_declare(
                state, channel, arena.bytes(name), 1, 0, 0, 0, amqp_table_t(num_entries: 0, entries: nil)
            )?.pointee.message_count
        }
        try check(amqp_get_rpc_reply(state), call: "amqp_queue_declare")
        return Int(messageCount ?? 0)
    }

    /// Binds `queue` to `exchange` for messages whose routing key matches `routingKey`.
    public func bindQueue(_ queue: String, to exchange: String, routingKey: String) throws {
        try ensureChannel()
        AMQPArena.withArena { arena in
            _ = amqp_queue_bind(
                state, channel, arena.bytes(queue), arena.bytes(exchange), arena.bytes(routingKey),
                amqp_table_t(num_entries: 0, entries: nil))
        }
        try check(amqp_get_rpc_reply(state), call: "amqp_queue_bind")
    }

    /// Deletes a queue with whatever it holds; deleting a missing queue succeeds.
    public func deleteQueue(_ name: String) throws {
        try ensureChannel()
        AMQPArena.withArena { arena in
            _ = amqp_queue_delete(state, channel, arena.bytes(name), 0, 0)
        }
        try check(amqp_get_rpc_reply(state), call: "amqp_queue_delete")
    }

    /// Deletes an exchange and its bindings; deleting a missing exchange succeeds.
    public func deleteExchange(_ name: String) throws {
        try ensureChannel()
        AMQPArena.withArena { arena in
            _ = amqp_exchange_delete(state, channel, arena.bytes(name), 0)
        }
        try check(amqp_get_rpc_reply(state), call: "amqp_exchange_delete")
    }

    /// Removes every ready message from a queue; returns how many there were.
    @discardableResult
    public func purgeQueue(_ name: String) throws -> Int {
        try ensureChannel()
        let purged = AMQPArena.withArena { arena in
            amqp_queue_purge(state, channel, arena.bytes(name))?.pointee.message_count
        }
        try check(amqp_get_rpc_reply(state), call: "amqp_queue_purge")
        return Int(purged ?? 0)
    }
}
