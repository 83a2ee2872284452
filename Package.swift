// swift-tools-version:6.2
import PackageDescription

// Layers are targets, so the compiler keeps the arrows pointing down:
// HomeServeCore ← HomeServeAPI ← HomeServeCLI ← homeserve. The sandbox has a stack of its own.
let package = Package(
    name: "homeserve",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "homeserve", targets: ["homeserve"]),
        .executable(name: "homeserve-sandbox", targets: ["homeserve-sandbox"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
    ],
    targets: [
        // System libraries: a module map and a tiny C shim each.
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),

        // libjq's headers, with the library opened on first use of --jq rather than linked.
        .target(name: "CJQ", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        // argc and argv handed to the static Swift runtime at start-up, sparing it a read of /proc/self/maps.
        .target(name: "CArguments"),

        .target(name: "HomeServeCore"),
        .target(name: "HomeServeAPI", dependencies: ["HomeServeCore", "CCurl", "CCrypto"]),
        .target(name: "HomeServeCLI", dependencies: ["HomeServeAPI", "HomeServeCore", "CJQ"]),
        .executableTarget(name: "homeserve", dependencies: ["HomeServeCLI", "CArguments"]),

        .target(name: "HomeServeSandbox",
                dependencies: [
                    "CSQLite", "CCrypto",
                    .product(name: "Hummingbird", package: "hummingbird"),
                    .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                ]),
        .executableTarget(name: "homeserve-sandbox", dependencies: ["HomeServeSandbox"]),

        // What more than one test target uses (a seedable generator for the fuzz tests, loopback sockets).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "HomeServeCLITests", dependencies: ["HomeServeCLI", "HomeServeAPI", "HomeServeCore", "TestSupport"]),
        .testTarget(name: "HomeServeSandboxTests", dependencies: ["HomeServeSandbox", "TestSupport"]),
        // The command table feeds the command-line fuzzer; every other integration test runs the binary only.
        .testTarget(name: "IntegrationTests", dependencies: ["HomeServeCore", "HomeServeAPI", "HomeServeCLI", "TestSupport"]),
    ]
)
