import Foundation
import Testing

@testable import Shared

/// Tests that stop and start the shared PostgreSQL and RabbitMQ servers, or kill a service
/// process. They run only when `ALLOW_SERVER_RESTARTS=1`, which scripts/test.sh sets for a
/// second phase that runs nothing else, so that no other test sees its servers vanish.
enum Disruption {
    static let isAllowed = ProcessInfo.processInfo.environment["ALLOW_SERVER_RESTARTS"] == "1"

    /// Runs a command and waits; throws when it exits with another status than 0.
    ///
    /// Spawned and reaped with posix_spawn and waitpid: a command that starts a server (pg_ctlcluster)
    /// was seen to stay an unreaped zombie under Foundation's Process. Output goes to a file, not
    /// a pipe, since the server inherits the descriptor and would hold a pipe open for ever.
    @discardableResult
    static func run(_ command: String, _ arguments: [String]) throws -> String {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("disruption-\(UUID()).log")
        defer { try? FileManager.default.removeItem(at: log) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)

        let argv = ([command] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, command, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw CommandFailure(command: command, output: "posix_spawnp failed: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0
        guard exited && (status >> 8) & 0xff == 0 else {
            throw CommandFailure(command: ([command] + arguments).joined(separator: " "), output: text)
        }
        return text
    }

    /// Stops RabbitMQ's application (connections drop, the port closes), waits, and starts it again.
    static func restartBroker(downFor pause: Duration) throws {
        try run("rabbitmqctl", ["-q", "stop_app"])
        Thread.sleep(forTimeInterval: pause.seconds)
        try run("rabbitmqctl", ["-q", "start_app"])
        try run("rabbitmqctl", ["-q", "await_startup", "--timeout", "60"])
    }

    /// Restarts the PostgreSQL cluster the tests use.
    static func restartDatabase() throws {
        let environment = ProcessInfo.processInfo.environment
        try run(
            "pg_ctlcluster",
            [environment["PG_VERSION"] ?? "15", environment["PG_CLUSTER"] ?? "main", "restart", "-m", "fast"])
    }

    /// The folder the package's binaries are built in.
    static var binaries: URL {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug")
    }
}

struct CommandFailure: Error, CustomStringConvertible {
    var command: String
    var output: String
    var description: String { "\(command) failed: \(output)" }
}
