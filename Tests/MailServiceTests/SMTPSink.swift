import Foundation
import Shared
import TestSupport

/// A message the sink received, read back with Python's `email` package: headers decoded from
/// RFC 2047, parts decoded from their transfer encoding and charset.
struct ReceivedMail: Decodable, Sendable {
    var from: String
    var to: String
    var subject: String
    var messageId: String
    var date: String
    var contentType: String
    var text: String
    var html: String
    /// The raw `Subject` and `To` header lines, as they went over the wire.
    var rawSubject: String
    var rawTo: String
}

/// deploy/local/smtp_sink.py run by a test, on a free loopback port, writing to a folder of its own;
/// ended by its process id.
final class SMTPSink: Sendable {
    let port: Int
    let directory: URL
    private let pid: pid_t

    /// Starts a sink on `port` (a free one when `nil`) answering DATA as `script` and then `reply` say.
    init(port: Int? = nil, script: [Int] = [], reply: Int = 250) throws {
        self.port = try port ?? Self.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mail-sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let python = Command.root.appendingPathComponent("deploy/local/python.sh").path
        let sink = Command.root.appendingPathComponent("deploy/local/smtp_sink.py").path
        let arguments = [
            python, sink, "--port", "\(self.port)", "--directory", directory.path, "--reply", "\(reply)",
            "--script", script.map(String.init).joined(separator: ","),
        ]
        let log = directory.appendingPathComponent("sink.log").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // The service host blocks SIGTERM in the test's threads; the sink must not inherit that.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, python, &actions, &attributes, argv, environ)
        guard spawned == 0 else {
            throw SinkFailure(step: "smtp_sink.py", detail: String(cString: strerror(spawned)))
        }
        self.pid = pid
        let deadline = ContinuousClock.now + .seconds(15)
        while !Self.accepts(port: self.port) {
            guard ContinuousClock.now < deadline else {
                stop()
                let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                throw SinkFailure(step: "smtp_sink.py on port \(self.port)", detail: "never listened: \(output)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Ends the sink and waits for it; the received files stay until ``remove()``.
    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        let deadline = ContinuousClock.now + .seconds(5)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now > deadline { kill(pid, SIGKILL) }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// Removes the folder of received messages.
    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The `.eml` files received so far, oldest first.
    var files: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".eml") }.sorted().map { directory.appendingPathComponent($0) }
    }

    /// Waits until at least `count` messages arrived, then a little longer so that a message too
    /// many would show; returns them, parsed.
    func waitForMessages(
        _ count: Int, timeout: Duration = .seconds(20), settle: Duration = .milliseconds(600)
    )
        throws -> [ReceivedMail]
    {
        let deadline = ContinuousClock.now + timeout
        while files.count < count && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: settle.seconds)
        return try messages()
    }

    /// Every message received so far, parsed.
    func messages() throws -> [ReceivedMail] {
        let paths = files.map(\.path)
        guard !paths.isEmpty else { return [] }
        let script = """
            import json, sys
            from email import policy
            from email.parser import BytesParser
            for path in sys.argv[1:]:
                with open(path, "rb") as handle:
                    raw = handle.read()
                message = BytesParser(policy=policy.default).parsebytes(raw)
                headers = BytesParser(policy=policy.compat32).parsebytes(raw, headersonly=True)
                print(json.dumps({
                    "from": str(message["from"]), "to": str(message["to"]), "subject": str(message["subject"]),
                    "messageId": str(message["message-id"]), "date": str(message["date"]),
                    "contentType": message.get_content_type(),
                    "text": message.get_body(preferencelist=("plain",)).get_content(),
                    "html": message.get_body(preferencelist=("html",)).get_content(),
                    "rawSubject": str(headers["subject"]), "rawTo": str(headers["to"]),
                }))
            """
        let python = Command.root.appendingPathComponent("deploy/local/python.sh").path
        let output = try Command.run(python, ["-c", script] + paths)
        return try output.split(separator: "\n").map {
            try JSONDecoder().decode(ReceivedMail.self, from: Data($0.utf8))
        }
    }

    /// A loopback port nothing listens on now.
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw SinkFailure(step: "socket", detail: String(cString: strerror(errno))) }
        defer { close(socket) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw SinkFailure(step: "bind", detail: String(cString: strerror(errno))) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts connections on loopback `port`.
    static func accepts(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

/// The test's SMTP sink could not be started.
struct SinkFailure: Error, CustomStringConvertible {
    var step: String
    var detail: String
    var description: String { "\(step) failed: \(detail)" }
}
