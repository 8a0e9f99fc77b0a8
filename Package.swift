// swift-tools-version:6.1
import PackageDescription

// Dependencies run one way: sessionctl -> SessionStore -> SessionAuthCore;
// the plugin -> SessionStore + SessionAuthCore + the C modules. The core sees no C and does no I/O.
let package = Package(
    name: "mosquitto-session-auth",
    products: [
        // Loaded by Mosquitto as build/mosquitto_session_auth.so (the Makefile copies and strips it).
        .library(name: "mosquitto_session_auth", type: .dynamic, targets: ["MosquittoSessionAuth"]),
        .executable(name: "sessionctl", targets: ["sessionctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // C boundary: the system headers and the few shims Swift cannot express (variadics, macros).
        .systemLibrary(name: "CMosquittoBroker", path: "include/CMosquittoBroker"),
        .systemLibrary(name: "CSQLite", path: "include/CSQLite"),
        .systemLibrary(name: "COpenSSL", path: "include/COpenSSL"),
        .systemLibrary(name: "CMosquittoClient", path: "include/CMosquittoClient"),

        .target(name: "SessionAuthCore"),
        .target(name: "SessionAuthCrypto", dependencies: ["COpenSSL", "SessionAuthCore"]),
        .target(name: "SessionStore", dependencies: ["CSQLite", "SessionAuthCore"]),
        // The issuing side of tokens (signing keys, the keys directory): sessionctl only, never the plugin.
        .target(name: "TokenIssuing", dependencies: ["COpenSSL", "SessionAuthCore", "SessionAuthCrypto"]),
        .target(
            name: "MosquittoSessionAuth",
            dependencies: ["CMosquittoBroker", "SessionAuthCore", "SessionAuthCrypto", "SessionStore"]
        ),
        .executableTarget(
            name: "sessionctl",
            dependencies: [
                "SessionAuthCore", "SessionAuthCrypto", "SessionStore", "TokenIssuing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // `make bench`: the cost of one ACL decision at 10 and at 100,000 sessions.
        .executableTarget(
            name: "decision-bench", dependencies: ["SessionAuthCore"], path: "Benchmarks/DecisionBenchmark"),
        // `make bench`: what one store change costs the broker's tick at 10 and at 100,000 sessions, through
        // the plugin's C entry points against the broker stubs.
        .executableTarget(
            name: "reload-bench",
            dependencies: [
                "BenchSupport", "MosquittoSessionAuth", "BrokerStubs", "CMosquittoBroker", "SessionStore",
                "SessionAuthCore",
                "SessionAuthCrypto",
            ],
            path: "Benchmarks/ReloadBenchmark"),
        // `make bench`: token verification cost per algorithm next to `openssl speed` on the same machine.
        .executableTarget(
            name: "token-bench", dependencies: ["SessionAuthCore", "SessionAuthCrypto", "TokenIssuing"],
            path: "Benchmarks/TokenBenchmark"),
        // The benchmarks' fast store writer, shared by reload-bench and bench-provision.
        .target(
            name: "BenchSupport", dependencies: ["SessionStore", "SessionAuthCore", "SessionAuthCrypto"],
            path: "Benchmarks/BenchSupport"),
        // `make bench`: provisions the comparison's devices (a store of N sessions, signing keys and tokens)
        // for Benchmarks/compare.py.
        .executableTarget(
            name: "bench-provision",
            dependencies: ["BenchSupport", "SessionAuthCore", "SessionAuthCrypto", "TokenIssuing"],
            path: "Benchmarks/Provision"),
        // `make soak`: connect/auth/publish/disconnect churn and a bad-login flood against the real broker
        // with build/'s plugin; every decision checked, the broker's memory measured before and after.
        .executableTarget(name: "soak", dependencies: ["CMosquittoClient", "SeededRandom"], path: "Tools/Soak"),
        // One seeded generator for the randomized tests and the soak, so a failing sequence reproduces.
        .target(name: "SeededRandom", path: "Tools/SeededRandom"),

        .testTarget(
            name: "SessionAuthCoreTests", dependencies: ["SessionAuthCore", "SessionAuthCrypto", "SeededRandom"]),
        .testTarget(
            name: "SessionAuthCryptoTests", dependencies: ["SessionAuthCrypto", "SessionAuthCore"],
            resources: [.copy("Vectors")]),
        .testTarget(name: "TokenIssuingTests", dependencies: ["TokenIssuing", "SessionAuthCrypto", "SessionAuthCore"]),
        .testTarget(name: "SessionStoreTests", dependencies: ["SessionStore", "SessionAuthCore", "SessionAuthCrypto"]),
        // Stand-ins for the broker's exported functions, so the C-ABI layer links outside the broker.
        .target(name: "BrokerStubs", dependencies: ["CMosquittoBroker"], path: "Tests/BrokerStubs"),
        .testTarget(
            name: "PluginABITests",
            dependencies: [
                "MosquittoSessionAuth", "BrokerStubs", "SessionStore", "SessionAuthCore", "SessionAuthCrypto",
            ]
        ),
        .testTarget(name: "IntegrationTests", dependencies: ["CMosquittoClient"]),
        .testTarget(
            name: "TopicMatcherDifferentialTests",
            dependencies: ["SessionAuthCore", "CMosquittoClient", "SeededRandom"]),
    ]
)
