import Foundation
import TestSupport
import Testing

struct DeploymentTests {
    @Test func theComposeFileAndTheLocalScriptsDescribeTheSameSystem() throws {
        let root = Command.root
        let output = try Command.run(
            root.appendingPathComponent("deploy/local/python.sh").path,
            [root.appendingPathComponent("deploy/check_compose.py").path])
        #expect(output.contains(" passed, 0 failed"), "\(output)")
    }
}
