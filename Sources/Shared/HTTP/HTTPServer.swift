import CMicroHTTPD
import CShims
import Foundation
import Synchronization

/// An HTTP/1.1 server on libmicrohttpd that answers through a ``Router``.
///
/// libmicrohttpd runs its own epoll threads (a pool of ``Configuration/threadPoolSize``); each
/// request is read whole, then routed and answered on the thread that read it. Run it as a
/// ``ServicePart``, or call ``start()`` and ``stop()`` directly, as tests do.
public final class HTTPServer: ServicePart {
    public let name: String
    /// The settings the server was made with.
    public let configuration: Configuration
    let core: ServerCore
    private let daemon = Mutex<DaemonHandle?>(nil)
    /// Held for the whole of ``stop()``, so that two stops never act on the daemon together.
    private let stopping = Mutex<Void>(())

    /// Creates a server that answers with `router` and records into `metrics`.
    public init(
        name: String = "http", configuration: Configuration, router: Router, metrics: MetricsRegistry,
        logger: Logger
    ) {
        self.name = name
        self.configuration = configuration
        let logger = logger.labelled(logger.label + ".http")
        core = ServerCore(
            pipeline: RequestPipeline(router: router, logger: logger, metrics: metrics),
            bodyLimit: configuration.bodyLimit)
    }

    /// The port the server listens on, the one the system chose when configured with 0; `nil` when stopped.
    public var port: Int? {
        daemon.withLock { handle in
            guard let handle, let info = shim_mhd_get_daemon_info(handle.pointer, .DAEMON_INFO_BIND_PORT) else {
                return nil
            }
            return Int(info.pointee.port)
        }
    }

    /// Binds and starts answering; returns at once.
    public func start() throws(HTTPServerError) {
        try daemon.withLock { handle throws(HTTPServerError) in
            guard handle == nil else {
                throw HTTPServerError(code: .alreadyRunning, message: "The server is already running.")
            }
            handle = DaemonHandle(pointer: try startDaemon())
        }
        core.pipeline.logger.info(
            "HTTP server listening",
            metadata: ["http.host": configuration.host, "http.port": String(port ?? configuration.port)])
    }

    /// Stops taking connections, waits up to the grace period for requests in flight, then closes.
    ///
    /// Connections already open may still bring requests while it waits; they are answered. Calls
    /// made at the same time take turns: the first stops the server, the others find it stopped.
    public func stop() {
        stopping.withLock { _ in
            guard let handle = daemon.withLock({ $0 }) else { return }
            // libmicrohttpd's threads may still touch the listening socket until the daemon is stopped,
            // so it is closed only after MHD_stop_daemon.
            let listener = MHD_quiesce_daemon(handle.pointer)

            let deadline = ContinuousClock.now + configuration.shutdownGracePeriod
            while core.inFlight.load(ordering: .acquiring) > 0, ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
            let abandoned = core.inFlight.load(ordering: .acquiring)
            if abandoned > 0 {
                core.pipeline.logger.warning(
                    "HTTP requests abandoned at shutdown", metadata: ["http.requests": String(abandoned)])
            }
            daemon.withLock { $0 = nil }
            MHD_stop_daemon(handle.pointer)
            if listener >= 0 { close(listener) }
            core.pipeline.logger.info("HTTP server stopped")
        }
    }

    /// Serves until `stop` is set, then shuts down gracefully.
    public func run(until stop: StopSignal) throws {
        try start()
        while !stop.sleep(for: .seconds(3600)) {}
        self.stop()
    }

    private func startDaemon() throws(HTTPServerError) -> OpaquePointer {
        var flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue | MHD_USE_ITC.rawValue
        let context = Unmanaged.passUnretained(core).toOpaque()
        var settings = shim_mhd_settings()
        settings.thread_pool_size = UInt32(configuration.threadPoolSize)
        settings.connection_timeout_seconds = UInt32(max(1, configuration.connectionTimeout.components.seconds))
        settings.connection_limit = UInt32(configuration.connectionLimit)
        settings.connection_memory_limit = configuration.connectionMemoryLimit
        settings.handler = mhdAccessHandler
        settings.handler_context = context
        settings.completed = mhdRequestCompleted
        settings.completed_context = context

        let started: OpaquePointer?
        var v4 = sockaddr_in()
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET, configuration.host, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = in_port_t(UInt16(configuration.port).bigEndian)
            started = withUnsafePointer(to: &v4) { address in
                address.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    settings.flags = flags
                    settings.address = address
                    return shim_mhd_start_daemon(&settings)
                }
            }
        } else if inet_pton(AF_INET6, configuration.host, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = in_port_t(UInt16(configuration.port).bigEndian)
            flags |= MHD_USE_IPv6.rawValue
            started = withUnsafePointer(to: &v6) { address in
                address.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    settings.flags = flags
                    settings.address = address
                    return shim_mhd_start_daemon(&settings)
                }
            }
        } else {
            throw HTTPServerError(
                code: .invalidAddress, message: "HTTP host \(configuration.host) is not an IPv4 or IPv6 address.")
        }
        guard let started else {
            let reason = String(cString: strerror(errno))
            let address = "\(configuration.host):\(configuration.port)"
            throw HTTPServerError(code: .startDaemon, message: "Could not listen on \(address): \(reason).")
        }
        return started
    }
}

/// The running daemon; only the owning server's mutex hands it out.
private struct DaemonHandle: @unchecked Sendable {
    // Safe to share: libmicrohttpd allows its daemon calls from any thread, and only stop()
    // destroys the daemon, after taking the handle out of the server's mutex.
    let pointer: OpaquePointer
}
