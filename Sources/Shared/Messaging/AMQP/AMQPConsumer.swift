import CRabbitMQ
import Foundation

/// Receives messages from one queue with manual acknowledgement.
///
/// The consumer needs its connection for itself: it reads every frame that arrives on it. Call
/// ``next(timeout:)`` in a loop with a timeout shorter than the heartbeat interval, checking the `StopSignal`
/// between calls; the timed waits also keep the connection's heartbeats going. Acknowledge each delivery after
/// its effects are committed. Delivery tags belong to the channel: after a connection or channel error, make a
/// new connection and consumer and let the broker redeliver what was not acknowledged.
///
/// ```swift
/// let consumer = try AMQPConsumer(connection: connection, queue: "mail", prefetch: 32)
/// while !stop.isStopped {
///     guard let delivery = try consumer.next(timeout: .seconds(1)) else { continue }
///     try handle(delivery)                 // commits its effects and the inbox row
///     try consumer.ack(delivery.deliveryTag)
/// }
/// connection.close()                       // unacknowledged deliveries go back to the queue
/// ```
public final class AMQPConsumer {
    /// The connection the consumer reads from.
    public let connection: AMQPConnection
    /// The queue consumed from.
    public let queue: String
    /// The tag the broker gave this consumer.
    public let consumerTag: String
    private let channelGeneration: Int

    /// Sets the prefetch limit and starts consuming `queue` with manual acknowledgement.
    ///
    /// - Parameters:
    ///   - prefetch: how many unacknowledged messages the broker sends ahead (`basic.qos`); at least 1.
    public init(connection: AMQPConnection, queue: String, prefetch: UInt16 = 32) throws {
        self.connection = connection
        self.queue = queue
        try connection.ensureChannel()
        amqp_basic_qos(connection.state, connection.channel, 0, max(prefetch, 1), 0)
        try connection.check(amqp_get_rpc_reply(connection.state), call: "amqp_basic_qos")
        let tag = AMQPArena.withArena { arena in
            amqp_basic_consume(
                connection.state, connection.channel, arena.bytes(queue), amqp_bytes_t(len: 0, bytes: nil), 0, 0, 0,
                amqp_table_t(num_entries: 0, entries: nil)
            ).map { AMQPDecoding.string($0.pointee.consumer_tag) }
        }
        try connection.check(amqp_get_rpc_reply(connection.state), call: "amqp_basic_consume")
        self.consumerTag = tag ?? ""
        self.channelGeneration = connection.channelGeneration
        connection.logger.debug("AMQP consumer started", metadata: ["amqp.queue": queue])
    }

    /// Waits up to `timeout` for the next delivery; `nil` when none came in that time.
    ///
    /// Throws ``AMQPError/Code/channelClosed`` or ``AMQPError/Code/connectionClosed`` (with the broker's reply)
    /// when the broker closed either, and ``AMQPError/Code/consumerCancelled`` when it cancelled the consumer,
    /// for example because the queue was deleted.
    public func next(timeout: Duration) throws -> Delivery? {
        let deadline = ContinuousClock.now + timeout
        while true {
            try checkChannel(call: "amqp_consume_message")
            amqp_maybe_release_buffers(connection.state)
            var envelope = amqp_envelope_t()
            var wait = timeval(deadline - ContinuousClock.now)
            let reply = amqp_consume_message(connection.state, &envelope, &wait, 0)
            if reply.reply_type == AMQP_RESPONSE_NORMAL {
                defer { amqp_destroy_envelope(&envelope) }
                return Delivery(envelope: envelope)
            }
            guard reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION else {
                try connection.check(reply, call: "amqp_consume_message", code: .connectionClosed)
                continue
            }
            switch amqp_status_enum(rawValue: reply.library_error) {
            case AMQP_STATUS_TIMEOUT:
                return nil
            case AMQP_STATUS_UNEXPECTED_STATE:
                // Another frame than a delivery came first: rabbitmq-c put it back for us to read and handle.
                try handleOtherFrame(until: deadline)
            default:
                try connection.check(reply, call: "amqp_consume_message", code: .connectionClosed)
            }
        }
    }

    private func handleOtherFrame(until deadline: ContinuousClock.Instant) throws {
        guard let frame = try connection.nextFrame(until: deadline, call: "amqp_simple_wait_frame") else { return }
        if try connection.handleUnsolicited(frame, call: "amqp_consume_message") { return }
        guard frame.frame_type == AMQP_FRAME_METHOD else { return }
        switch frame.payload.method.id {
        case AMQP_BASIC_CANCEL_METHOD:
            throw AMQPError(
                .consumerCancelled, call: "amqp_consume_message",
                message: "The broker cancelled the consumer of queue \(queue).")
        case AMQP_BASIC_RETURN_METHOD:
            // Not expected on a consuming connection, but its content frames must be read to stay in step.
            var message = amqp_message_t()
            let reply = amqp_read_message(connection.state, frame.channel, &message, 0)
            try connection.check(reply, call: "amqp_read_message", code: .connectionClosed)
            amqp_destroy_message(&message)
        default:
            connection.logger.debug(
                "AMQP consumer ignored a method", metadata: ["amqp.method": "\(frame.payload.method.id)"])
        }
    }

    /// Acknowledges one delivery: the broker forgets the message.
    public func ack(_ deliveryTag: UInt64) throws {
        try checkChannel(call: "amqp_basic_ack")
        let status = amqp_basic_ack(connection.state, connection.channel, deliveryTag, 0)
        try connection.check(status: status, call: "amqp_basic_ack", code: .connectionClosed)
    }

    /// Refuses one delivery: the broker requeues it when `requeue`, else dead-letters or drops it.
    public func nack(_ deliveryTag: UInt64, requeue: Bool) throws {
        try checkChannel(call: "amqp_basic_nack")
        let status = amqp_basic_nack(connection.state, connection.channel, deliveryTag, 0, requeue ? 1 : 0)
        try connection.check(status: status, call: "amqp_basic_nack", code: .connectionClosed)
    }

    /// Rejects one delivery (`basic.reject`, the single-message form of ``nack(_:requeue:)``).
    public func reject(_ deliveryTag: UInt64, requeue: Bool) throws {
        try checkChannel(call: "amqp_basic_reject")
        let status = amqp_basic_reject(connection.state, connection.channel, deliveryTag, requeue ? 1 : 0)
        try connection.check(status: status, call: "amqp_basic_reject", code: .connectionClosed)
    }

    /// Asks the broker to stop sending deliveries; those already sent can still be acknowledged.
    public func cancel() throws {
        try checkChannel(call: "amqp_basic_cancel")
        AMQPArena.withArena { arena in
            _ = amqp_basic_cancel(connection.state, connection.channel, arena.bytes(consumerTag))
        }
        try connection.check(amqp_get_rpc_reply(connection.state), call: "amqp_basic_cancel")
    }

    /// Fails when the channel this consumer was started on is gone, since its consumer and tags went with it.
    private func checkChannel(call: String) throws {
        guard connection.isOpen else {
            throw AMQPError(.connectionClosed, call: call, message: "The connection is closed.")
        }
        guard connection.isChannelOpen, connection.channelGeneration == channelGeneration else {
            throw AMQPError(.channelClosed, call: call, message: "The channel of this consumer was closed.")
        }
    }
}
