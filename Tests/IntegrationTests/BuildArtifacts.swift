import Foundation

/// The release artifacts `make build` leaves in build/: the tests exercise exactly what ships.
enum BuildArtifacts {
    static let directory: URL = {
        if let fromMake = ProcessInfo.processInfo.environment["SESSION_AUTH_BUILD_DIR"] {
            return URL(fileURLWithPath: fromMake)
        }
        // Tests/IntegrationTests/BuildArtifacts.swift -> repository root.
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("build")
    }()

    static var plugin: String { get throws { try require("mosquitto_session_auth.so") } }
    static var sessionctl: String { get throws { try require("sessionctl") } }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    private static func require(_ name: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) || FileManager.default.fileExists(atPath: path) else {
            throw HarnessError("\(path) is missing: run the tests with 'make test', which builds it first")
        }
        return path
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
