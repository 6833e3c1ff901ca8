import Foundation

extension HTTPServer {
    /// Where an HTTP server listens and how much it takes on.
    public struct Configuration: Sendable {
        /// The IPv4 or IPv6 address to bind to.
        public var host: String
        /// The TCP port; 0 lets the system choose one, which ``HTTPServer/port`` then tells.
        public var port: Int
        /// How many threads answer requests.
        public var threadPoolSize: Int
        /// How long an idle connection stays open.
        public var connectionTimeout: Duration
        /// How many connections may be open at once; more are refused.
        public var connectionLimit: Int
        /// The largest request body accepted, in bytes; larger ones get 413.
        public var bodyLimit: Int
        /// How long a shutdown waits for requests in flight before closing their connections.
        public var shutdownGracePeriod: Duration
        /// Bytes libmicrohttpd keeps per connection for the request line, headers and reading.
        ///
        /// It bounds the size of the headers (a larger request gets 431) and libmicrohttpd clears
        /// it between requests, so a larger value costs time on every request.
        public var connectionMemoryLimit: Int

        /// Creates a configuration; the defaults serve one machine's loopback.
        public init(
            host: String = "127.0.0.1", port: Int = 8080,
            threadPoolSize: Int = 2 * ProcessInfo.processInfo.activeProcessorCount,
            connectionTimeout: Duration = .seconds(30), connectionLimit: Int = 1024, bodyLimit: Int = 1 << 20,
            shutdownGracePeriod: Duration = .seconds(10), connectionMemoryLimit: Int = 32 * 1024
        ) {
            self.host = host
            self.port = port
            self.threadPoolSize = threadPoolSize
            self.connectionTimeout = connectionTimeout
            self.connectionLimit = connectionLimit
            self.bodyLimit = bodyLimit
            self.shutdownGracePeriod = shutdownGracePeriod
            self.connectionMemoryLimit = connectionMemoryLimit
        }

        /// Reads `HTTP_HOST`, `HTTP_PORT`, `HTTP_THREADS`, `HTTP_CONNECTION_TIMEOUT_MS`,
        /// `HTTP_CONNECTION_LIMIT`, `HTTP_BODY_LIMIT_BYTES`, `HTTP_SHUTDOWN_GRACE_MS` and
        /// `HTTP_CONNECTION_MEMORY_BYTES`, falling back
        /// to `defaults` for each one that is unset.
        public init(environment: Environment, defaults: Configuration = Configuration()) throws(ConfigurationError) {
            host = environment.string("HTTP_HOST", default: defaults.host)
            port = try environment.integer("HTTP_PORT", default: defaults.port, in: 0...65535)
            threadPoolSize = try environment.integer("HTTP_THREADS", default: defaults.threadPoolSize, in: 1...1024)
            connectionTimeout = try environment.milliseconds(
                "HTTP_CONNECTION_TIMEOUT_MS", default: defaults.connectionTimeout)
            connectionLimit = try environment.integer(
                "HTTP_CONNECTION_LIMIT", default: defaults.connectionLimit, in: 1...1_000_000)
            bodyLimit = try environment.integer(
                "HTTP_BODY_LIMIT_BYTES", default: defaults.bodyLimit, in: 0...(1 << 30))
            shutdownGracePeriod = try environment.milliseconds(
                "HTTP_SHUTDOWN_GRACE_MS", default: defaults.shutdownGracePeriod)
            connectionMemoryLimit = try environment.integer(
                "HTTP_CONNECTION_MEMORY_BYTES", default: defaults.connectionMemoryLimit, in: 4096...(1 << 24))
        }
    }
}

/// A failure to start or run the HTTP server.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    /// What failed, named after the call where that applies.
    public struct Code: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }

        /// The configured host is not an IP address.
        public static let invalidAddress: Code = "invalid-address"
        /// `MHD_start_daemon` returned no daemon (port in use, no permission, bad option).
        public static let startDaemon: Code = "MHD_start_daemon"
        /// `start()` was called on a running server.
        public static let alreadyRunning: Code = "already-running"
    }

    /// What failed.
    public var code: Code
    /// A sentence for the log.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?

    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        "\(code.rawValue): \(message)" + (cause.map { " (cause: \($0))" } ?? "")
    }
}
