import Foundation
import TestSupport
import Testing

@testable import Shared

/// Tests that stop and start the shared PostgreSQL and RabbitMQ servers, or kill a service
/// process. They run only when `ALLOW_SERVER_RESTARTS=1`, which scripts/test.sh sets for a
/// second phase that runs nothing else, so that no other test sees its servers vanish.
enum Disruption {
    static let isAllowed = ProcessInfo.processInfo.environment["ALLOW_SERVER_RESTARTS"] == "1"

    /// Stops RabbitMQ's application (connections drop, the port closes), waits, and starts it again.
    static func restartBroker(downFor pause: Duration) throws {
        try Command.run("rabbitmqctl", ["-q", "stop_app"])
        Thread.sleep(forTimeInterval: pause.seconds)
        try Command.run("rabbitmqctl", ["-q", "start_app"])
        try Command.run("rabbitmqctl", ["-q", "await_startup", "--timeout", "60"])
    }

    /// Restarts the PostgreSQL cluster the tests use.
    static func restartDatabase() throws {
        let environment = ProcessInfo.processInfo.environment
        try Command.run(
            "pg_ctlcluster",
            [environment["PG_VERSION"] ?? "15", environment["PG_CLUSTER"] ?? "main", "restart", "-m", "fast"])
    }

    /// The folder the package's binaries are built in.
    static var binaries: URL {
        Command.root.appendingPathComponent(".build/debug")
    }
}
