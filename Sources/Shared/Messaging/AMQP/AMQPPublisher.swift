import CRabbitMQ
import Foundation

/// Publishes batches of messages with publisher confirms and `mandatory`, so that a message counts as sent only
/// once the broker has taken it and it reached at least one queue.
///
/// A batch is written in one go and the confirms are read afterwards (pipelined), so a batch costs about one
/// round trip, not one per message. The publisher needs its connection for itself: it reads every frame that
/// arrives on it. Like the connection, it is used by one thread at a time.
///
/// ```swift
/// let publisher = try AMQPPublisher(connection: connection)
/// let outcomes = try publisher.publishReportingOutcomes(messages)   // or `publish(messages)`: all or nothing
/// for (message, outcome) in zip(messages, outcomes) where outcome.isConfirmed { markSent(message.messageID) }
/// ```
///
/// While idle, call ``keepAlive()`` at least once per heartbeat interval. After an error whose
/// ``AMQPError/requiresNewConnection`` is true, close the connection and make a new connection and publisher.
public final class AMQPPublisher {
    /// The connection the publisher writes to and reads confirms from.
    public let connection: AMQPConnection
    /// The channel generation confirms were turned on for; when the channel is reopened they must be again.
    private var confirmedGeneration = -1
    /// The delivery tag the broker gives the next message: messages are numbered from 1 after `confirm.select`.
    private var nextDeliveryTag: UInt64 = 1
    /// How many messages are written between two looks at the confirms already in, so that the broker's
    /// acknowledgements never pile up unread while a large batch is written.
    private let drainInterval = 256

    /// Puts the connection's channel in confirm mode.
    public init(connection: AMQPConnection) throws {
        self.connection = connection
        try ensureConfirmMode()
    }

    private func ensureConfirmMode() throws {
        try connection.ensureChannel()
        guard confirmedGeneration != connection.channelGeneration else { return }
        amqp_confirm_select(connection.state, connection.channel)
        try connection.check(amqp_get_rpc_reply(connection.state), call: "amqp_confirm_select")
        confirmedGeneration = connection.channelGeneration
        nextDeliveryTag = 1
    }

    /// Publishes `messages` and returns only when the broker confirmed every one of them: all or nothing.
    ///
    /// Throws ``AMQPError/Code/unroutable`` when any message matched no queue, else ``AMQPError/Code/nacked``
    /// when the broker refused any; ``AMQPError/messageIDs`` names them. The other messages of the batch may have
    /// been confirmed all the same: a caller that wants to keep what succeeded uses
    /// ``publishReportingOutcomes(_:timeout:)``. After a timeout or a connection error the connection is closed.
    public func publish(_ messages: [OutgoingMessage], timeout: Duration = .seconds(30)) throws {
        let outcomes = try publishReportingOutcomes(messages, timeout: timeout)
        let unroutable = zip(messages, outcomes).filter {
            if case .unroutable = $0.1 { true } else { false }
        }
        if let (first, outcome) = unroutable.first, case .unroutable(let replyCode, let replyText) = outcome {
            let keys = Set(unroutable.map { "\($0.0.exchange)/\($0.0.routingKey)" }).sorted()
            throw AMQPError(
                .unroutable, call: "amqp_basic_publish",
                message: "\(unroutable.count) of \(messages.count) messages matched no queue, first \(first.messageID)"
                    + " on exchange/routing key \(keys.joined(separator: ", "))",
                replyCode: replyCode, replyText: replyText, messageIDs: unroutable.map(\.0.messageID))
        }
        let nacked = zip(messages, outcomes).filter { $0.1 == .nacked }.map(\.0.messageID)
        if !nacked.isEmpty {
            throw AMQPError(
                .nacked, call: "amqp_basic_publish",
                message: "The broker refused \(nacked.count) of \(messages.count) messages, first \(nacked[0])",
                messageIDs: nacked)
        }
    }

    /// Publishes `messages` and returns what became of each, in the same order.
    ///
    /// Returns once every message is confirmed, refused or returned; throws only when that cannot be known:
    /// ``AMQPError/Code/timeout`` when the broker did not answer for all within `timeout` (the connection is then
    /// closed, since confirms may still come), or a channel or connection error.
    public func publishReportingOutcomes(
        _ messages: [OutgoingMessage], timeout: Duration = .seconds(30)
    ) throws -> [PublishOutcome] {
        guard !messages.isEmpty else { return [] }
        try ensureConfirmMode()
        var batch = ConfirmBatch(messages: messages, firstTag: nextDeliveryTag)
        let deadline = ContinuousClock.now + timeout

        for (index, message) in messages.enumerated() {
            try write(message)
            nextDeliveryTag += 1
            if (index + 1) % drainInterval == 0 {
                try readConfirms(into: &batch, until: .now)
            }
        }
        while batch.unresolved > 0 {
            let answered = try readConfirms(into: &batch, until: deadline)
            if !answered {
                connection.markLost()
                throw AMQPError(
                    .timeout, call: "amqp_simple_wait_frame_noblock",
                    message: "The broker confirmed \(messages.count - batch.unresolved) of \(messages.count) messages"
                        + " within \(timeout)", messageIDs: batch.unresolvedMessageIDs)
            }
        }
        return batch.outcomes.map { $0 ?? .nacked }
    }

    /// Services the idle connection: sends a heartbeat when one is due and notices a close by the broker.
    ///
    /// Call it at least once per heartbeat interval while there is nothing to publish; it does not block.
    public func keepAlive() throws {
        var batch = ConfirmBatch(messages: [], firstTag: nextDeliveryTag)
        try readConfirms(into: &batch, until: .now)
    }

    // TODO: while the broker blocks publishers (a memory or disk alarm, announced by connection.blocked) it stops
    // reading, and amqp_basic_publish waits in the socket write with no bound, past the batch's timeout. The relay
    // then stalls instead of failing over; rabbitmq-c 0.11 has no send timeout to pass.
    private func write(_ message: OutgoingMessage) throws {
        let status = AMQPArena.withArena { arena in
            var properties = amqp_basic_properties_t()
            var flags =
                AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG
                | AMQP_BASIC_TIMESTAMP_FLAG
            properties.content_type = arena.bytes(message.contentType)
            properties.delivery_mode = message.isPersistent ? 2 : 1
            properties.message_id = arena.bytes(message.messageID)
            properties.timestamp = UInt64(max(0, message.timestamp.timeIntervalSince1970))
            if let type = message.type {
                flags |= AMQP_BASIC_TYPE_FLAG
                properties.type = arena.bytes(type)
            }
            if let correlationID = message.correlationID {
                flags |= AMQP_BASIC_CORRELATION_ID_FLAG
                properties.correlation_id = arena.bytes(correlationID)
            }
            if let appID = message.appID {
                flags |= AMQP_BASIC_APP_ID_FLAG
                properties.app_id = arena.bytes(appID)
            }
            if !message.headers.isEmpty {
                flags |= AMQP_BASIC_HEADERS_FLAG
                properties.headers = arena.table(message.headers.mapValues(AMQPFieldValue.string))
            }
            properties._flags = amqp_flags_t(flags)
            return amqp_basic_publish(
                connection.state, connection.channel, arena.bytes(message.exchange), arena.bytes(message.routingKey),
                1, 0, &properties, arena.bytes(message.body))
        }
        try connection.check(status: status, call: "amqp_basic_publish", code: .publishFailed)
    }

    /// Reads and applies the frames that arrive until `deadline`, returning as soon as the batch is resolved;
    /// returns whether any frame arrived.
    @discardableResult
    private func readConfirms(into batch: inout ConfirmBatch, until deadline: ContinuousClock.Instant) throws -> Bool {
        var answered = false
        while batch.unresolved > 0 || batch.messages.isEmpty {
            guard let frame = try connection.nextFrame(until: deadline, call: "amqp_simple_wait_frame_noblock") else {
                return answered
            }
            answered = true
            if try connection.handleUnsolicited(frame, call: "amqp_basic_publish") { continue }
            guard frame.frame_type == AMQP_FRAME_METHOD else { continue }
            let method = frame.payload.method
            switch method.id {
            case AMQP_BASIC_ACK_METHOD:
                let ack = method.decoded.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
                batch.resolve(upTo: ack.delivery_tag, multiple: ack.multiple != 0, as: .confirmed)
            case AMQP_BASIC_NACK_METHOD:
                let nack = method.decoded.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
                batch.resolve(upTo: nack.delivery_tag, multiple: nack.multiple != 0, as: .nacked)
            case AMQP_BASIC_RETURN_METHOD:
                try readReturn(method, into: &batch)
            default:
                connection.logger.debug(
                    "AMQP publisher ignored a method", metadata: ["amqp.method": "\(method.id)"])
            }
        }
        return answered
    }

    /// Reads the message a `basic.return` carries and marks the batch's message it belongs to as unroutable.
    ///
    /// The return comes before the ack of the same message, which the broker still sends: the return decides.
    private func readReturn(_ method: amqp_method_t, into batch: inout ConfirmBatch) throws {
        let returned = method.decoded.assumingMemoryBound(to: amqp_basic_return_t.self).pointee
        let replyCode = Int(returned.reply_code)
        let replyText = AMQPDecoding.string(returned.reply_text)
        let exchange = AMQPDecoding.string(returned.exchange)
        let routingKey = AMQPDecoding.string(returned.routing_key)

        var message = amqp_message_t()
        let reply = amqp_read_message(connection.state, connection.channel, &message, 0)
        try connection.check(reply, call: "amqp_read_message", code: .connectionClosed)
        defer { amqp_destroy_message(&message) }
        let hasMessageID = message.properties._flags & amqp_flags_t(AMQP_BASIC_MESSAGE_ID_FLAG) != 0
        let messageID = hasMessageID ? AMQPDecoding.string(message.properties.message_id) : nil

        batch.markReturned(
            messageID: messageID, exchange: exchange, routingKey: routingKey,
            as: .unroutable(replyCode: replyCode, replyText: replyText))
        connection.logger.debug(
            "AMQP message returned as unroutable",
            metadata: ["amqp.exchange": exchange, "amqp.routingKey": routingKey, "amqp.messageId": messageID ?? ""])
    }
}
