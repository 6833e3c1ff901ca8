import Foundation
import Shared
import TestSupport

/// The four service executables started as processes, as an operator starts them, on a database
/// and a broker virtual host of their own (so that the queues every service names after itself do
/// not meet those of anyone else on the shared servers), with an SMTP test server of their own.
///
/// Built by `swift build`; this starts what is in `.build/debug` and builds nothing itself.
final class RunningSystem {
    static let services = ["identity", "boleta", "approval", "mail"]
    static let adminDatabaseURL =
        ProcessInfo.processInfo.environment["TEST_DATABASE_URL"]
        ?? "postgresql://support_admin:support_admin@127.0.0.1:5432/support"
    static let binaries = Command.root.appendingPathComponent(".build/debug")

    /// The name of this system's database and virtual host.
    let name: String
    let directory: URL
    let mailDirectory: URL
    let supportEmail = "support@vendor.local"
    let supportPassword: String
    let amqpURL: String
    private(set) var ports: [String: Int] = [:]
    private var processes: [String: Process] = [:]
    private var smtp: Process?
    private let keys: [String: String]
    private let smtpPort: Int
    private let client = HTTPClient(timeout: .seconds(10))

    /// Creates the database and the virtual host, starts the SMTP server and the four services,
    /// and waits until every service is ready.
    init() throws {
        name = "e2e_" + UUID().uuidString.prefix(8).lowercased()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        mailDirectory = directory.appendingPathComponent("mail")
        try FileManager.default.createDirectory(at: mailDirectory, withIntermediateDirectories: true)
        supportPassword = "Suporte " + UUID().uuidString
        amqpURL = "amqp://guest:guest@127.0.0.1:5672/\(name)"
        smtpPort = try Self.freePort()

        try Command.run("rabbitmqctl", ["-q", "add_vhost", name])
        try Command.run("rabbitmqctl", ["-q", "set_permissions", "-p", name, "guest", ".*", ".*", ".*"])
        let admin = try PostgresConnection(url: Self.adminDatabaseURL, logger: Self.quietLogger)
        try admin.query("CREATE DATABASE \(name)")
        let generated = try Command.run(
            Self.binaries.appendingPathComponent("identity-service").path, ["generate-keys"])
        keys = Dictionary(
            generated.split(separator: "\n").compactMap { line in
                let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
                return parts.count == 2 ? (parts[0], parts[1]) : nil
            }, uniquingKeysWith: { _, last in last })

        do {
            smtp = try launch(
                Command.root.appendingPathComponent("deploy/local/python.sh").path,
                [
                    Command.root.appendingPathComponent("deploy/local/smtp_sink.py").path, "--port", String(smtpPort),
                    "--directory", mailDirectory.path,
                ], environment: ProcessInfo.processInfo.environment, log: "smtp")
            for service in Self.services {
                ports[service] = try Self.freePort()
                try start(service)
            }
            for service in Self.services { try waitUntilReady(service) }
        } catch {
            stop()
            throw error
        }
    }

    /// The base URL of `service`.
    func url(_ service: String) -> String { "http://127.0.0.1:\(ports[service] ?? 0)" }

    /// The settings of `service`: those of deploy/local/env, pointed at this system.
    func environment(of service: String) -> [String: String] {
        var values = ProcessInfo.processInfo.environment
        values.merge([
            "LOG_LEVEL": "info", "HTTP_HOST": "127.0.0.1", "HTTP_PORT": String(ports[service] ?? 0),
            "DATABASE_URL": "postgresql://support_admin:support_admin@127.0.0.1:5432/\(name)",
            "AMQP_URL": amqpURL, "EVENTS_EXCHANGE": "support.events", "PAT_EXCHANGE": "pat.events",
            "JWT_AUDIENCE": "support", "JWT_PUBLIC_KEY": keys["JWT_PUBLIC_KEY"] ?? "",
            "EVENT_RETRY_DELAYS_MS": "200,1000",
        ]) { _, new in new }
        switch service {
        case "identity":
            values["JWT_SIGNING_KEY"] = keys["JWT_SIGNING_KEY"]
            values["MAIL_SEAL_PUBLIC_KEY"] = keys["MAIL_SEAL_PUBLIC_KEY"]
            values["BOOTSTRAP_SUPPORT_EMAIL"] = supportEmail
            values["BOOTSTRAP_SUPPORT_PASSWORD"] = supportPassword
        case "mail":
            values["MAIL_SEAL_SECRET_KEY"] = keys["MAIL_SEAL_SECRET_KEY"]
            values["SMTP_URL"] = "smtp://127.0.0.1:\(smtpPort)"
            values["MAIL_SIGNATURE_REQUEST_DELAY_MS"] = "2000"
        default:
            break
        }
        return values
    }

    /// Starts `service` on its port (again, after ``stopService(_:)``).
    func start(_ service: String) throws {
        processes[service] = try launch(
            Self.binaries.appendingPathComponent("\(service)-service").path, [], environment: environment(of: service),
            log: service)
    }

    /// Stops `service` with SIGTERM, as an operator does, and waits for it to exit.
    func stopService(_ service: String) {
        guard let process = processes.removeValue(forKey: service) else { return }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// Waits until `service` answers `/readyz` with 200.
    func waitUntilReady(_ service: String, timeout: Duration = .seconds(60)) throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? client.get(url(service) + "/readyz"))?.status == 200 { return }
            if processes[service]?.isRunning != true { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw SystemDidNotStart(service: service, log: log(of: service))
    }

    /// What `service` wrote so far.
    func log(of service: String) -> String {
        (try? String(contentsOf: directory.appendingPathComponent("\(service).log"), encoding: .utf8)) ?? ""
    }

    /// The settings with which deploy/local/main-flow.sh walks the process against this system.
    func flowEnvironment(stateDirectory: URL) -> [String: String] {
        var values = ProcessInfo.processInfo.environment
        values.merge([
            "IDENTITY_URL": url("identity"), "BOLETA_URL": url("boleta"), "APPROVAL_URL": url("approval"),
            "MAIL_URL": url("mail"), "AMQP_URL": amqpURL, "PAT_EXCHANGE": "pat.events",
            "SUPPORT_STATE_DIR": stateDirectory.path, "SUPPORT_MAIL_DIR": mailDirectory.path,
            "SUPPORT_EMAIL": supportEmail, "SUPPORT_PASSWORD": supportPassword,
        ]) { _, new in new }
        return values
    }

    /// Starts deploy/local/main-flow.sh against this system; its output goes to `output`.
    func startFlow(stateDirectory: URL, output: URL, extra: [String: String] = [:]) throws -> Process {
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Command.root.appendingPathComponent("deploy/local/main-flow.sh").path]
        process.environment = flowEnvironment(stateDirectory: stateDirectory).merging(extra) { _, new in new }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs deploy/local/main-flow.sh to its end: its exit status and what it printed.
    func runFlow(extra: [String: String] = [:]) throws -> FlowResult {
        let output = directory.appendingPathComponent("flow-\(UUID().uuidString.prefix(8)).txt")
        let process = try startFlow(
            stateDirectory: directory.appendingPathComponent("state"), output: output, extra: extra)
        process.waitUntilExit()
        return FlowResult(status: process.terminationStatus, text: try String(contentsOf: output, encoding: .utf8))
    }

    /// The messages the SMTP server received, as deploy/local/mailbox.py reads them.
    func mails() throws -> [Mail] {
        let output = try Command.run(
            "python3",
            [Command.root.appendingPathComponent("deploy/local/mailbox.py").path, "list", mailDirectory.path])
        return try output.split(separator: "\n").map { try JSONDecoder().decode(Mail.self, from: Data($0.utf8)) }
    }

    /// Logs in as vendor support; answers the access token.
    func supportToken() throws -> String {
        let body = try JSONSerialization.data(withJSONObject: ["email": supportEmail, "password": supportPassword])
        let response = try client.send(
            "POST", url("identity") + "/sessions", headers: [("Content-Type", "application/json")], body: body)
        let object = try JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        guard let token = object?["accessToken"] as? String else {
            throw SystemDidNotStart(service: "identity", log: "")
        }
        return token
    }

    /// GET `path` of `service` with `token`: the status and the JSON body.
    func get(_ service: String, _ path: String, token: String) throws -> (status: Int, json: Any?) {
        let response = try client.get(url(service) + path, headers: [("Authorization", "Bearer \(token)")])
        return (response.status, try? JSONSerialization.jsonObject(with: response.body))
    }

    /// Stops everything this system started and removes its database, virtual host and files.
    func stop() {
        for service in Self.services { stopService(service) }
        // The SMTP server inherits the test runner's signal mask, in which SIGTERM is blocked, and
        // Python does not unblock it; it writes each message whole (by a rename), so SIGKILL is safe.
        if let smtp, smtp.isRunning {
            kill(smtp.processIdentifier, SIGKILL)
            smtp.waitUntilExit()
        }
        smtp = nil
        _ = try? Command.run("rabbitmqctl", ["-q", "delete_vhost", name])
        if let admin = try? PostgresConnection(url: Self.adminDatabaseURL, logger: Self.quietLogger) {
            _ = try? admin.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
        try? FileManager.default.removeItem(at: directory)
    }

    private func launch(
        _ path: String, _ arguments: [String], environment: [String: String], log: String
    ) throws
        -> Process
    {
        let logFile = directory.appendingPathComponent("\(log).log")
        if !FileManager.default.fileExists(atPath: logFile.path) {
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: logFile)
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    private static let quietLogger = Logger(label: "test.e2e", level: .warning, sink: MemoryLogSink())

    /// A TCP port on loopback that nothing listens on now.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw SystemDidNotStart(service: "socket", log: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                guard bind(descriptor, socketAddress, length) == 0 else { return false }
                return getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw SystemDidNotStart(service: "socket", log: String(cString: strerror(errno))) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// What deploy/local/main-flow.sh did.
struct FlowResult {
    var status: Int32
    var text: String

    /// The step lines (`ok`, `FAIL` or `skip`) of the section whose heading starts with `heading`
    /// (`Platform`, `1.`, ... `9.`).
    func steps(in heading: String) -> [String] {
        var inside = false
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.isEmpty {
                inside = line.hasPrefix(heading)
                continue
            }
            if inside && (line.hasPrefix("  ok") || line.hasPrefix("  FAIL") || line.hasPrefix("  skip")) {
                lines.append(String(line))
            }
        }
        return lines
    }

    /// The step lines of section `heading` that did not succeed.
    func unsuccessful(in heading: String) -> [String] {
        steps(in: heading).filter { !$0.hasPrefix("  ok") }
    }
}

/// One message as deploy/local/mailbox.py lists it.
struct Mail: Decodable, Hashable {
    var file: String
    /// The `Message-ID` Mail gives the message, the same at every attempt to deliver it.
    var messageId: String
    var to: [String]
    var subject: String
    var numbers: [Int]
    var text: String
}

/// A service, or the SMTP server, did not start.
struct SystemDidNotStart: Error, CustomStringConvertible {
    var service: String
    var log: String
    var description: String { "\(service) did not become ready: \(log.suffix(3000))" }
}
