// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "homeserve",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "homeserve", targets: ["homeserve"]),
        .executable(name: "homeserve-sandbox", targets: ["homeserve-sandbox"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
    ],
    targets: [
        // libcurl and libcrypto (SHA-1 for the WebSocket handshake), through a module map and a tiny shim.
        .systemLibrary(name: "CCurl", path: "Sources/CCurl",
                       providers: [.apt(["libcurl4-openssl-dev", "libssl-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "HomeServeKit", dependencies: ["CCurl"],
                swiftSettings: [.swiftLanguageMode(.v5)]),
        .executableTarget(name: "homeserve", dependencies: ["HomeServeKit"],
                          swiftSettings: [.swiftLanguageMode(.v5)]),
        .target(name: "HomeServeSandbox",
                dependencies: [
                    "CSQLite", "CCurl",
                    .product(name: "Hummingbird", package: "hummingbird"),
                    .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                ]),
        .executableTarget(name: "homeserve-sandbox", dependencies: ["HomeServeSandbox"]),
        .testTarget(name: "HomeServeKitTests", dependencies: ["HomeServeKit"],
                    swiftSettings: [.swiftLanguageMode(.v5)]),
        .testTarget(name: "HomeServeSandboxTests", dependencies: ["HomeServeSandbox"]),
        .testTarget(name: "IntegrationTests", dependencies: ["HomeServeKit"],
                    swiftSettings: [.swiftLanguageMode(.v5)]),
    ]
)
