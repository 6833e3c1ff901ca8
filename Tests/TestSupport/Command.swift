import Foundation
import Shared

/// Runs programs for tests: server restarts, the deployment check, the OpenAPI reader.
public enum Command {
    /// The repository's root folder.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Runs `command` (looked up on the PATH) and waits; answers what it wrote, and throws when it
    /// exits with another status than 0.
    ///
    /// Spawned and reaped with posix_spawn and waitpid: a command that starts a server (pg_ctlcluster)
    /// was seen to stay an unreaped zombie under Foundation's Process. Output goes to a file, not a
    /// pipe, since such a server inherits the descriptor and would hold a pipe open for ever.
    @discardableResult
    public static func run(_ command: String, _ arguments: [String]) throws -> String {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("command-\(UUID()).log")
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
}

/// A command that failed, with what it wrote.
public struct CommandFailure: Error, CustomStringConvertible {
    public var command: String
    public var output: String
    public var description: String { "\(command) failed: \(output)" }
}

/// Reads the methods and paths of the OpenAPI documents in docs/openapi, through Python's PyYAML
/// (Foundation reads no YAML), as deploy/local/python.sh finds it.
public enum OpenAPIDocument {
    /// The endpoints that the documents named `names` (without `.yaml`) describe together.
    public static func endpoints(_ names: [String]) throws -> Set<Router.Endpoint> {
        let script = """
            import sys, yaml
            methods = {"get", "put", "post", "delete", "patch", "head", "options"}
            for path in sys.argv[1:]:
                for route, item in (yaml.safe_load(open(path, encoding="utf-8")).get("paths") or {}).items():
                    for method in item:
                        if method in methods:
                            print(method.upper(), route)
            """
        let files = names.map { Command.root.appendingPathComponent("docs/openapi/\($0).yaml").path }
        let python = Command.root.appendingPathComponent("deploy/local/python.sh").path
        let output = try Command.run(python, ["-c", script] + files)
        return Set(
            output.split(separator: "\n").map { line in
                let parts = line.split(separator: " ", maxSplits: 1)
                return Router.Endpoint(method: String(parts[0]), pattern: parts.count > 1 ? String(parts[1]) : "")
            })
    }
}

/// How what a service serves compares with what platform.yaml and the service's own document say.
public struct OpenAPIComparison: Sendable {
    /// What the service's own document describes (HEAD left out, which GET answers anyway).
    public var ownDocumented: Set<Router.Endpoint>
    /// Endpoints both the platform's and the service's documents describe.
    public var documentedTwice: Set<Router.Endpoint>
    /// Served but in neither document, sorted.
    public var undocumented: [String]
    /// In a document but not served, sorted.
    public var unserved: [String]

    /// Compares `served` with platform.yaml and `<service>.yaml`.
    public init(served: [Router.Endpoint], service: String) throws {
        let platform = try OpenAPIDocument.endpoints(["platform"]).filter { $0.method != "HEAD" }
        ownDocumented = try OpenAPIDocument.endpoints([service]).filter { $0.method != "HEAD" }
        documentedTwice = platform.intersection(ownDocumented)
        let documented = platform.union(ownDocumented)
        let servedSet = Set(served)
        undocumented = servedSet.subtracting(documented).map(\.description).sorted()
        unserved = documented.subtracting(servedSet).map(\.description).sorted()
    }
}
