import CRabbitMQ
import Foundation

/// Where and how to connect to the broker: read from an `amqp://` URL, plus timeouts and heartbeat.
public struct AMQPConnectionSettings: Sendable, CustomStringConvertible {
    /// The broker's host name or address.
    public var host: String
    /// The broker's AMQP port.
    public var port: Int
    /// The user to log in as.
    public var user: String
    /// The user's password; never logged (``description`` leaves it out).
    public var password: String
    /// The virtual host, `/` unless the URL names another.
    public var virtualHost: String
    /// How often both sides send heartbeats on an idle connection; zero turns heartbeats off.
    ///
    /// rabbitmq-c sends and checks heartbeats only while it is called, so whoever holds the connection must call
    /// into it at least this often: a consumer's timed ``AMQPConsumer/next(timeout:)`` does, and an idle
    /// publisher calls ``AMQPPublisher/keepAlive()``.
    public var heartbeat: Duration
    /// How long to wait for the TCP connection and, separately, for the login handshake.
    public var connectTimeout: Duration
    /// How long to wait for the answer to a synchronous method (declare, bind, qos); `nil` waits for ever.
    /// When it passes rabbitmq-c closes the connection.
    public var rpcTimeout: Duration?
    /// The largest frame to negotiate, in bytes.
    public var frameMax: Int
    /// The name the broker shows for this connection, so that an operator sees which service holds it.
    public var connectionName: String

    /// Reads `amqp://user:password@host:port/vhost`, percent-decoding each part.
    ///
    /// A missing part takes rabbitmq-c's default (`guest`, `guest`, `localhost`, `5672`); a missing or empty
    /// virtual host is `/`, which is spelled `%2F` when given.
    public init(
        url: String, heartbeat: Duration = .seconds(30), connectTimeout: Duration = .seconds(5),
        rpcTimeout: Duration? = .seconds(30), frameMax: Int = 131_072, connectionName: String = defaultConnectionName
    ) throws {
        var buffer = Array(url.utf8CString)
        // amqp_parse_url rewrites the buffer in place and points into it: copy the parts while it lives.
        let parts = buffer.withUnsafeMutableBufferPointer { text -> (String, Int, String, String, String, Bool)? in
            var info = amqp_connection_info()
            amqp_default_connection_info(&info)
            guard amqp_parse_url(text.baseAddress, &info) == AMQP_STATUS_OK.rawValue else { return nil }
            return (
                String(cString: info.host), Int(info.port), String(cString: info.user),
                String(cString: info.password), String(cString: info.vhost), info.ssl != 0
            )
        }
        guard let parts else {
            throw AMQPError(.invalidSettings, call: "amqp_parse_url", message: "The broker URL cannot be read.")
        }
        let (host, port, user, password, virtualHost, isTLS) = parts
        guard !isTLS else {
            throw AMQPError(.invalidSettings, call: "amqp_parse_url", message: "amqps URLs are not supported.")
        }
        self.init(
            host: host, port: port, user: user, password: password,
            virtualHost: virtualHost.isEmpty ? "/" : virtualHost, heartbeat: heartbeat,
            connectTimeout: connectTimeout, rpcTimeout: rpcTimeout, frameMax: frameMax, connectionName: connectionName)
    }

    /// Creates settings from their parts.
    public init(
        host: String, port: Int = 5672, user: String = "guest", password: String = "guest", virtualHost: String = "/",
        heartbeat: Duration = .seconds(30), connectTimeout: Duration = .seconds(5),
        rpcTimeout: Duration? = .seconds(30), frameMax: Int = 131_072, connectionName: String = defaultConnectionName
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.virtualHost = virtualHost
        self.heartbeat = heartbeat
        self.connectTimeout = connectTimeout
        self.rpcTimeout = rpcTimeout
        self.frameMax = frameMax
        self.connectionName = connectionName
    }

    /// The process's name, which is the service's.
    public static var defaultConnectionName: String { ProcessInfo.processInfo.processName }

    /// The URL without the password, for logs.
    public var description: String {
        let vhost = virtualHost == "/" ? "" : virtualHost
        return "amqp://\(user)@\(host):\(port)/\(vhost)"
    }
}

extension timeval {
    /// The duration as a `timeval`, rounded down to microseconds, never negative.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 || (seconds == 0 && attoseconds < 0) {
            self.init(tv_sec: 0, tv_usec: 0)
        } else {
            self.init(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        }
    }
}
