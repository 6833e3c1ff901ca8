import Foundation
import TestSupport
import Testing

/// The whole process with a service and the broker restarted in its middle. It restarts the
/// shared RabbitMQ, so it runs only when `ALLOW_SERVER_RESTARTS=1` (the second phase of
/// scripts/test.sh, which runs nothing else).
@Suite(
    .serialized,
    .enabled(if: ProcessInfo.processInfo.environment["ALLOW_SERVER_RESTARTS"] == "1", "needs ALLOW_SERVER_RESTARTS=1"))
struct DisruptionTestsEndToEnd {
    @Test(
        "Boleta and the broker restart after the signatures: the process completes, no e-mail missing or doubled")
    func theProcessSurvivesARestartOfAServiceAndTheBroker() throws {
        let system = try RunningSystem()
        defer { system.stop() }

        let pause = system.directory.appendingPathComponent("pause")
        let output = system.directory.appendingPathComponent("flow.txt")
        let flow = try system.startFlow(
            stateDirectory: system.directory.appendingPathComponent("state"), output: output,
            extra: ["FLOW_PAUSE_FILE": pause.path])
        defer {
            if flow.isRunning {
                kill(flow.processIdentifier, SIGKILL)
                flow.waitUntilExit()
            }
        }

        let deadline = ContinuousClock.now + .seconds(240)
        while !FileManager.default.fileExists(atPath: pause.path) && flow.isRunning && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.2)
        }
        try #require(FileManager.default.fileExists(atPath: pause.path), "the flow never paused")

        system.stopService("boleta")
        try Command.run("rabbitmqctl", ["-q", "stop_app"])
        Thread.sleep(forTimeInterval: 2)
        try Command.run("rabbitmqctl", ["-q", "start_app"])
        try Command.run("rabbitmqctl", ["-q", "await_startup", "--timeout", "60"])
        try system.start("boleta")
        for service in RunningSystem.services { try system.waitUntilReady(service) }
        try FileManager.default.removeItem(at: pause)

        flow.waitUntilExit()
        let result = FlowResult(status: flow.terminationStatus, text: try String(contentsOf: output, encoding: .utf8))
        #expect(result.status == 0, "\(result.text)")
        for heading in ["6.", "7.", "8.", "9."] {
            #expect(result.unsuccessful(in: heading).isEmpty, "\(heading) after the restarts:\n\(result.text)")
        }
        let mails = try system.mails()
        #expect(EndToEndTests.doubled(mails).isEmpty, "e-mails sent twice: \(EndToEndTests.doubled(mails))")
        for number in 100_000_031...100_000_040 {
            #expect(mails.contains { $0.numbers.contains(number) }, "no e-mail speaks of boleta \(number)")
        }
    }
}
