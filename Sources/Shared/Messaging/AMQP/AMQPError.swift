import CRabbitMQ
import Foundation

/// A failure of the message broker or of rabbitmq-c, named after the C call that reported it.
///
/// Compare errors by ``code``. The broker's own reply (`404 NOT_FOUND`, `403 ACCESS_REFUSED`, `312 NO_ROUTE`)
/// is kept in ``replyCode`` and ``replyText``; rabbitmq-c's status in ``libraryStatus``.
public struct AMQPError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; extensible by code built on top of this layer.
    public struct Code: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        /// The URL or a setting cannot be used.
        public static let invalidSettings: Code = "invalid-settings"
        /// The TCP connection could not be made (refused, unreachable, connect timeout).
        public static let connectionFailed: Code = "connection-failed"
        /// The broker refused the credentials or the virtual host.
        public static let loginFailed: Code = "login-failed"
        /// The connection is gone: closed by the broker, reset, missed heartbeats, or closed by us.
        public static let connectionClosed: Code = "connection-closed"
        /// The broker closed the channel; the reply code says why (404 for a missing queue, say).
        public static let channelClosed: Code = "channel-closed"
        /// A message could not be written to the broker.
        public static let publishFailed: Code = "publish-failed"
        /// The broker refused to take responsibility for one or more messages (`basic.nack`).
        public static let nacked: Code = "nacked"
        /// A `mandatory` message matched no queue and came back (`basic.return`).
        public static let unroutable: Code = "unroutable"
        /// The broker did not answer in time.
        public static let timeout: Code = "timeout"
        /// The broker cancelled the consumer, for example because its queue was deleted.
        public static let consumerCancelled: Code = "consumer-cancelled"
        /// The broker or the library sent something this layer does not expect.
        public static let protocolError: Code = "protocol-error"
    }

    /// What went wrong, for comparisons.
    public var code: Code
    /// The rabbitmq-c function that reported the failure, such as `amqp_basic_publish`.
    public var call: String
    /// A sentence for people and logs.
    public var message: String
    /// The broker's reply code (from `channel.close`, `connection.close` or `basic.return`), if it sent one.
    public var replyCode: Int?
    /// The broker's reply text, if it sent one.
    public var replyText: String?
    /// rabbitmq-c's status (an `amqp_status_enum` value), when the library reported the failure.
    public var libraryStatus: Int32?
    /// The message ids of the messages a `nacked` or `unroutable` error is about.
    public var messageIDs: [String]
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// Creates an error; most are made by this layer from a C return code.
    public init(
        _ code: Code, call: String, message: String, replyCode: Int? = nil, replyText: String? = nil,
        libraryStatus: Int32? = nil, messageIDs: [String] = [], cause: (any Error)? = nil
    ) {
        self.code = code
        self.call = call
        self.message = message
        self.replyCode = replyCode
        self.replyText = replyText
        self.libraryStatus = libraryStatus
        self.messageIDs = messageIDs
        self.cause = cause
    }

    /// Whether the connection can no longer be used and must be replaced by a new one.
    ///
    /// True when the connection is gone or its state is unknown (a timeout, a failed write, a protocol error).
    /// False for a refused or returned message, a closed channel (the publisher and the topology calls reopen it
    /// by themselves; a consumer must be made again) and a cancelled consumer. `AMQPConnection.isOpen` says the
    /// same of a given connection.
    public var requiresNewConnection: Bool {
        switch code {
        case .nacked, .unroutable, .channelClosed, .consumerCancelled, .invalidSettings: false
        default: true
        }
    }

    public var description: String {
        var text = "AMQP \(code.rawValue) in \(call): \(message)"
        if let replyCode { text += " (broker: \(replyCode) \(replyText ?? ""))" }
        if let libraryStatus { text += " (rabbitmq-c: \(AMQPError.statusText(libraryStatus)))" }
        if let cause { text += " (cause: \(cause))" }
        return text
    }

    /// rabbitmq-c's text for a status code.
    static func statusText(_ status: Int32) -> String {
        guard let text = amqp_error_string2(status) else { return "status \(status)" }
        return String(cString: text)
    }

    /// The error for a negative status returned by `call`, with `code` unless the status says the connection is
    /// gone or the wait timed out.
    static func status(_ status: Int32, call: String, code: Code) -> AMQPError {
        let kind = amqp_status_enum(rawValue: status)
        let effectiveCode: Code
        switch kind {
        case AMQP_STATUS_TIMEOUT:
            effectiveCode = .timeout
        case AMQP_STATUS_CONNECTION_CLOSED, AMQP_STATUS_SOCKET_ERROR, AMQP_STATUS_SOCKET_CLOSED,
            AMQP_STATUS_HEARTBEAT_TIMEOUT, AMQP_STATUS_TCP_ERROR:
            effectiveCode = code == .connectionFailed || code == .loginFailed ? code : .connectionClosed
        default:
            effectiveCode = code
        }
        return AMQPError(effectiveCode, call: call, message: statusText(status), libraryStatus: status)
    }
}

extension AMQPError: HTTPErrorConvertible {
    /// A request that needed the broker cannot be served now; the detail stays in the log.
    public var httpError: HTTPError {
        var error = HTTPError.notReady("The message broker is not available.")
        error.cause = self
        return error
    }
}
