import ArgumentParser
import Foundation
import SessionStore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the session store (or bring an existing one up to date).",
        discussion: "Example: sessionctl init --db /var/lib/mosquitto-session-auth/sessions.db"
    )

    @OptionGroup var store: StoreOptions

    func run() throws {
        let path = store.path
        let existed = FileManager.default.fileExists(atPath: path)
        let opened: SessionStore
        do { opened = try SessionStore.initialise(at: path) } catch { throw CLIError(error.description) }
        let version = try opened.schemaVersion
        let absolutePath = URL(fileURLWithPath: path).standardizedFileURL.path
        if store.json {
            struct Result: Encodable {
                let path: String
                let created: Bool
                let schema_version: Int64
            }
            try Output.json(Result(path: absolutePath, created: !existed, schema_version: version))
            return
        }
        print(
            existed
                ? "Store at \(absolutePath) is up to date (schema version \(version))."
                : "Created the store at \(absolutePath) (schema version \(version)).")
        print("")
        print("Add to mosquitto.conf:")
        print("  plugin \(Self.pluginPath())")
        print("  plugin_opt_db_path \(absolutePath)")
    }

    /// The plugin next to this binary when it is there (a build folder), else where packages put it.
    static func pluginPath() -> String {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let sibling = executable.deletingLastPathComponent().appendingPathComponent("mosquitto_session_auth.so")
        if FileManager.default.fileExists(atPath: sibling.path) { return sibling.standardizedFileURL.path }
        return "/usr/lib/x86_64-linux-gnu/mosquitto_session_auth.so"
    }
}
