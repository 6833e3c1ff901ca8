import CRabbitMQ
import CShims
import Foundation

/// A connection to the broker with one channel, over rabbitmq-c.
///
/// Not thread-safe: one thread at a time uses a connection, which is what a consumer or publisher loop running on
/// its own thread does. Every failure is an ``AMQPError``; after one whose ``AMQPError/requiresNewConnection`` is
/// true, close the connection and open another (``BackoffPolicy`` helps). When the broker closes only the channel
/// (a declare that conflicts, a passive declare of a missing queue), the next call reopens it.
public final class AMQPConnection {
    /// What this connection was opened with.
    public let settings: AMQPConnectionSettings
    /// The one channel every operation uses.
    let channel: amqp_channel_t = 1
    let state: amqp_connection_state_t
    let logger: Logger

    /// Whether the connection can still be used: false once it failed or was closed.
    public private(set) var isOpen = true
    private(set) var isChannelOpen = false
    /// Counts channel openings, so that a publisher or consumer notices that the channel it set up is gone.
    private(set) var channelGeneration = 0

    /// Connects, logs in and opens the channel.
    ///
    /// Throws ``AMQPError/Code/connectionFailed`` when the TCP connection cannot be made within
    /// ``AMQPConnectionSettings/connectTimeout`` and ``AMQPError/Code/loginFailed`` when the broker refuses the
    /// credentials or the virtual host.
    public init(settings: AMQPConnectionSettings, logger: Logger = Logger(label: "amqp")) throws {
        self.settings = settings
        self.logger = logger.with(["amqp.broker": settings.description])
        guard let state = amqp_new_connection() else {
            throw AMQPError(.connectionFailed, call: "amqp_new_connection", message: "No memory for a connection.")
        }
        self.state = state
        do {
            try connectSocket()
            try logIn()
            try ensureChannel()
        } catch {
            // A failed login may already have freed the connection (markLost); free it only once.
            if isOpen {
                isOpen = false
                amqp_destroy_connection(state)
            }
            throw error
        }
        self.logger.debug("AMQP connection opened")
    }

    /// Connects to `url` (`amqp://user:password@host:port/vhost`) with the default timeouts and heartbeat.
    public convenience init(url: String, logger: Logger = Logger(label: "amqp")) throws {
        try self.init(settings: AMQPConnectionSettings(url: url), logger: logger)
    }

    deinit {
        if isOpen {
            // Dropped without close(): release the socket and memory without a handshake that could block.
            amqp_destroy_connection(state)
        }
    }

    private func connectSocket() throws {
        guard let socket = amqp_tcp_socket_new(state) else {
            throw AMQPError(.connectionFailed, call: "amqp_tcp_socket_new", message: "No socket could be made.")
        }
        var timeout = timeval(settings.connectTimeout)
        let status = amqp_socket_open_noblock(socket, settings.host, Int32(settings.port), &timeout)
        guard status == AMQP_STATUS_OK.rawValue else {
            var error = AMQPError.status(status, call: "amqp_socket_open_noblock", code: .connectionFailed)
            error.code = .connectionFailed
            error.message = "Cannot connect to \(settings.host):\(settings.port): \(error.message)"
            throw error
        }
        amqp_set_handshake_timeout(state, &timeout)
    }

    private func logIn() throws {
        let heartbeatSeconds = Int32(settings.heartbeat.components.seconds)
        // The broker tells consumers of a deleted queue (basic.cancel) and publishers of a resource alarm
        // (connection.blocked) only to clients that say they understand; rabbitmq-c does not say so by itself.
        let properties: [String: AMQPFieldValue] = [
            "connection_name": .string(settings.connectionName),
            "capabilities": .table(["consumer_cancel_notify": true, "connection.blocked": true]),
        ]
        let reply = AMQPArena.withArena { arena in
            var table = arena.table(properties)
            return shim_amqp_login_plain_with_properties(
                state, settings.virtualHost, 0, Int32(settings.frameMax), heartbeatSeconds, &table, settings.user,
                settings.password)
        }
        do {
            try check(reply, call: "amqp_login")
        } catch var error as AMQPError {
            error.code = .loginFailed
            error.message =
                "The broker refused the login of \(settings.user) to \(settings.virtualHost): "
                + error.message
            throw error
        }
        if var timeout = settings.rpcTimeout.map(timeval.init) {
            amqp_set_rpc_timeout(state, &timeout)
        }
    }

    /// Closes the channel and the connection with the broker's handshake, then frees them.
    ///
    /// Never throws: a connection that already failed is simply freed. Calling it twice does nothing.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        if isChannelOpen {
            isChannelOpen = false
            let reply = amqp_channel_close(state, channel, AMQP_REPLY_SUCCESS)
            if reply.reply_type != AMQP_RESPONSE_NORMAL {
                logger.debug("AMQP channel did not close cleanly")
            }
        }
        let reply = amqp_connection_close(state, AMQP_REPLY_SUCCESS)
        if reply.reply_type != AMQP_RESPONSE_NORMAL {
            logger.debug("AMQP connection did not close cleanly")
        }
        amqp_destroy_connection(state)
        logger.debug("AMQP connection closed")
    }

    /// Opens the channel unless it is open; fails if the connection is gone.
    func ensureChannel() throws {
        guard isOpen else {
            throw AMQPError(.connectionClosed, call: "amqp_channel_open", message: "The connection is closed.")
        }
        guard !isChannelOpen else { return }
        amqp_channel_open(state, channel)
        try check(amqp_get_rpc_reply(state), call: "amqp_channel_open")
        isChannelOpen = true
        channelGeneration += 1
    }

    /// Turns the reply of a synchronous call into an error, answering a close from the broker on the way.
    func check(_ reply: amqp_rpc_reply_t, call: String, code: AMQPError.Code = .protocolError) throws {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            throw closeError(method: reply.reply, call: call)
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            // A synchronous call that failed in the library leaves its answer unread, so the connection is lost.
            markLost()
            throw AMQPError.status(Int32(reply.library_error), call: call, code: code)
        default:
            markLost()
            throw AMQPError(.connectionClosed, call: call, message: "The broker closed the connection.")
        }
    }

    /// Fails with a status that rabbitmq-c returned, marking the connection lost when the status says so.
    func check(status: Int32, call: String, code: AMQPError.Code) throws {
        guard status < 0 else { return }
        let error = AMQPError.status(status, call: call, code: code)
        if error.requiresNewConnection { markLost() }
        throw error
    }

    /// The error for a `channel.close` or `connection.close` from the broker, after answering it as the protocol
    /// requires, so that the channel can be reopened or the connection freed.
    func closeError(method: amqp_method_t, call: String) -> AMQPError {
        switch method.id {
        case AMQP_CHANNEL_CLOSE_METHOD:
            let close = method.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            var closeOK = amqp_channel_close_ok_t()
            amqp_send_method(state, channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &closeOK)
            isChannelOpen = false
            let text = AMQPDecoding.string(close.reply_text)
            return AMQPError(
                .channelClosed, call: call, message: "The broker closed the channel: \(text)",
                replyCode: Int(close.reply_code), replyText: text)
        case AMQP_CONNECTION_CLOSE_METHOD:
            let close = method.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            // The text lives in the connection's memory, which markLost frees.
            let text = AMQPDecoding.string(close.reply_text)
            var closeOK = amqp_connection_close_ok_t()
            amqp_send_method(state, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &closeOK)
            markLost()
            return AMQPError(
                .connectionClosed, call: call, message: "The broker closed the connection: \(text)",
                replyCode: Int(close.reply_code), replyText: text)
        default:
            let name = amqp_method_name(method.id).map { String(cString: $0) } ?? "\(method.id)"
            markLost()
            return AMQPError(.protocolError, call: call, message: "Unexpected method \(name) from the broker.")
        }
    }

    /// Reads the next frame, waiting until `deadline` (for ever when `nil`); `nil` when the deadline passes.
    ///
    /// What the frame points to lives in the connection's memory until the next call of this method.
    func nextFrame(until deadline: ContinuousClock.Instant?, call: String) throws -> amqp_frame_t? {
        guard isOpen else {
            throw AMQPError(.connectionClosed, call: call, message: "The connection is closed.")
        }
        amqp_maybe_release_buffers(state)
        var frame = amqp_frame_t()
        let status: Int32
        if let deadline {
            var timeout = timeval(deadline - ContinuousClock.now)
            status = amqp_simple_wait_frame_noblock(state, &frame, &timeout)
        } else {
            status = amqp_simple_wait_frame(state, &frame)
        }
        if status == AMQP_STATUS_TIMEOUT.rawValue { return nil }
        try check(status: status, call: call, code: .connectionClosed)
        return frame
    }

    /// Handles a method frame that no operation waits for: the broker's close of the channel or connection
    /// (thrown), flow control notices (logged). Returns whether the frame was one of these.
    func handleUnsolicited(_ frame: amqp_frame_t, call: String) throws -> Bool {
        guard frame.frame_type == AMQP_FRAME_METHOD else { return false }
        switch frame.payload.method.id {
        case AMQP_CHANNEL_CLOSE_METHOD, AMQP_CONNECTION_CLOSE_METHOD:
            throw closeError(method: frame.payload.method, call: call)
        case AMQP_CONNECTION_BLOCKED_METHOD:
            logger.notice("AMQP broker blocked publishing, it is short of a resource")
            return true
        case AMQP_CONNECTION_UNBLOCKED_METHOD:
            logger.notice("AMQP broker unblocked publishing")
            return true
        default:
            return false
        }
    }

    func markLost() {
        guard isOpen else { return }
        isOpen = false
        isChannelOpen = false
        amqp_destroy_connection(state)
        logger.info("AMQP connection lost")
    }
}
