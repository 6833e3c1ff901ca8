// swift-tools-version:6.0
import PackageDescription

/// Thin system-library modules over the Debian C libraries; `Shared` wraps each of them once.
let systemLibraries: [Target] = [
    .systemLibrary(name: "CPostgreSQL", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
    .systemLibrary(name: "CRabbitMQ", pkgConfig: "librabbitmq", providers: [.apt(["librabbitmq-dev"])]),
    .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
    .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
    .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
    .systemLibrary(
        name: "CCairo", pkgConfig: "pangocairo", providers: [.apt(["libcairo2-dev", "libpango1.0-dev"])]),
]

let package = Package(
    name: "SupportServices",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "identity-service", targets: ["IdentityService"]),
        .executable(name: "boleta-service", targets: ["BoletaService"]),
        .executable(name: "approval-service", targets: ["ApprovalService"]),
        .executable(name: "mail-service", targets: ["MailService"]),
        .executable(name: "support-bench", targets: ["SupportBench"]),
    ],
    targets: systemLibraries + [
        .target(
            name: "CShims",
            dependencies: ["CRabbitMQ", "CMicroHTTPD", "CCurl"]
        ),
        .target(
            name: "Shared",
            dependencies: ["CPostgreSQL", "CRabbitMQ", "CMicroHTTPD", "CCurl", "CSodium", "CCairo", "CShims"]
        ),
        .executableTarget(name: "IdentityService", dependencies: ["Shared"]),
        .executableTarget(name: "BoletaService", dependencies: ["Shared"]),
        .executableTarget(name: "ApprovalService", dependencies: ["Shared"]),
        .executableTarget(name: "MailService", dependencies: ["Shared"]),
        .executableTarget(name: "SupportBench", dependencies: ["Shared"]),
        .target(name: "TestSupport", dependencies: ["Shared"], path: "Tests/TestSupport"),
        .testTarget(name: "SharedTests", dependencies: ["Shared", "TestSupport"]),
        .testTarget(name: "IdentityServiceTests", dependencies: ["IdentityService", "Shared", "TestSupport"]),
        .testTarget(name: "BoletaServiceTests", dependencies: ["BoletaService", "Shared", "TestSupport"]),
        .testTarget(name: "ApprovalServiceTests", dependencies: ["ApprovalService", "Shared", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Shared", "TestSupport"]),
        .testTarget(name: "MailServiceTests", dependencies: ["MailService", "Shared", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
