import Foundation
import Testing

@testable import IdentityService
@testable import Shared

/// Reads the methods and paths of the OpenAPI documents in docs/openapi, through Python's PyYAML
/// (Foundation reads no YAML) as deploy/local/python.sh finds it.
enum IdentityOpenAPIDocument {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A command that exited with another status than 0, with what it wrote.
    struct CommandFailure: Error, CustomStringConvertible {
        var status: Int32
        var output: String
        var description: String { "exit status \(status): \(output)" }
    }

    /// The endpoints that the documents named `names` (without `.yaml`) describe together.
    static func endpoints(_ names: [String]) throws -> Set<Router.Endpoint> {
        let script = """
            import sys, yaml
            methods = {"get", "put", "post", "delete", "patch", "head", "options"}
            for path in sys.argv[1:]:
                for route, item in (yaml.safe_load(open(path, encoding="utf-8")).get("paths") or {}).items():
                    for method in item:
                        if method in methods:
                            print(method.upper(), route)
            """
        let files = names.map { root.appendingPathComponent("docs/openapi/\($0).yaml").path }
        let output = try run(root.appendingPathComponent("deploy/local/python.sh").path, ["-c", script] + files)
        return Set(
            output.split(separator: "\n").map { line in
                let parts = line.split(separator: " ", maxSplits: 1)
                return Router.Endpoint(method: String(parts[0]), pattern: String(parts.count > 1 ? parts[1] : ""))
            })
    }

    /// Runs `command` and answers its standard output.
    ///
    /// Output goes to temporary files rather than pipes: a pipe's buffer fills up and blocks the
    /// child when nobody reads it while waiting for the exit.
    private static func run(_ command: String, _ arguments: [String]) throws -> String {
        let directory = FileManager.default.temporaryDirectory
        let out = directory.appendingPathComponent("openapi-\(UUID()).out")
        let err = directory.appendingPathComponent("openapi-\(UUID()).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let outHandle = try FileHandle(forWritingTo: out)
        let errHandle = try FileHandle(forWritingTo: err)
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        let output = try String(contentsOf: out, encoding: .utf8)
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw CommandFailure(
                status: process.terminationStatus, output: output + (try String(contentsOf: err, encoding: .utf8)))
        }
        return output
    }
}

struct IdentityOpenAPITests {
    @Test func theDocumentsDescribeExactlyTheEndpointsIdentityServes() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let served = Set(fixture.service.endpoints)
        let platform = try IdentityOpenAPIDocument.endpoints(["platform"]).filter { $0.method != "HEAD" }
        let identity = try IdentityOpenAPIDocument.endpoints(["identity"]).filter { $0.method != "HEAD" }
        #expect(!identity.isEmpty, "identity.yaml documents no endpoint")
        #expect(platform.isDisjoint(with: identity), "documented in both files: \(platform.intersection(identity))")
        let documented = platform.union(identity)
        #expect(
            served.subtracting(documented).isEmpty,
            "served but not documented: \(served.subtracting(documented).map(\.description).sorted())")
        #expect(
            documented.subtracting(served).isEmpty,
            "documented but not served: \(documented.subtracting(served).map(\.description).sorted())")
    }
}
