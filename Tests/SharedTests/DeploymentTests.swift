import Foundation
import Testing

struct DeploymentTests {
    @Test func theComposeFileAndTheLocalScriptsDescribeTheSameSystem() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let output = try Disruption.run(
            root.appendingPathComponent("deploy/local/python.sh").path,
            [root.appendingPathComponent("deploy/check_compose.py").path])
        #expect(output.contains(" passed, 0 failed"), "\(output)")
    }
}
