import ArgumentParser
import Foundation
import SessionAuthCore
import SessionStore

/// The options every command shares.
struct StoreOptions: ParsableArguments {
    static let environmentVariable = "SESSIONCTL_DB"
    static let defaultPath = PluginOptions.defaultDatabasePath

    @Option(name: .long, help: "Path of the session store (default: $\(environmentVariable), else \(defaultPath)).")
    var db: String?

    @Flag(name: .long, help: "Print JSON for scripts instead of text for people.")
    var json = false

    var path: String {
        if let db { return db }
        if let fromEnvironment = ProcessInfo.processInfo.environment[Self.environmentVariable], !fromEnvironment.isEmpty
        {
            return fromEnvironment
        }
        return Self.defaultPath
    }

    func openStore() throws -> SessionStore {
        do { return try SessionStore.open(at: path) } catch { throw CLIError(error.description) }
    }
}

/// A failure the user can act on: ArgumentParser prints it as one line on stderr and exits 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum Now {
    static var seconds: Int64 { Int64(Date().timeIntervalSince1970) }
}
