import Foundation
import Testing

@testable import Shared

/// Reads the methods and paths of OpenAPI documents (YAML, through Python's PyYAML, since
/// Foundation reads no YAML).
enum OpenAPIDocument {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The endpoints that the documents in docs/openapi named `names` describe together.
    static func endpoints(_ names: [String]) throws -> Set<Router.Endpoint> {
        let script = """
            import json, sys, yaml
            methods = {"get", "put", "post", "delete", "patch", "head", "options"}
            for path in sys.argv[1:]:
                for route, item in (yaml.safe_load(open(path)).get("paths") or {}).items():
                    for method in item:
                        if method in methods:
                            print(method.upper(), route)
            """
        let files = names.map { root.appendingPathComponent("docs/openapi/\($0).yaml").path }
        let output = try Disruption.run(
            root.appendingPathComponent("deploy/local/python.sh").path, ["-c", script] + files)
        return Set(
            output.split(separator: "\n").map { line in
                let parts = line.split(separator: " ", maxSplits: 1)
                return Router.Endpoint(method: String(parts[0]), pattern: String(parts[1]))
            })
    }
}

struct OpenAPITests {
    @Test func thePlatformDocumentDescribesExactlyTheEndpointsEveryServiceServes() throws {
        let fixture = try ServiceFixture()
        defer { fixture.stop() }
        let served = Set(fixture.service.endpoints)
        let documented = try OpenAPIDocument.endpoints(["platform"]).filter { $0.method != "HEAD" }
        #expect(documented.count >= 5)
        #expect(served.subtracting(documented).isEmpty, "served but not documented")
        #expect(documented.subtracting(served).isEmpty, "documented but not served")
    }
}
