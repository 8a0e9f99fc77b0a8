import ArgumentParser
import Foundation
import SessionAuthCore
import SessionStore
import TokenIssuing

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the session store (or bring an existing one up to date) and a signing key.",
        discussion: """
            Also makes a signing key pair in the keys directory (see sessionctl keys) when it has none yet, \
            and prints the mosquitto.conf lines to add.
            Example: sessionctl init --db /var/lib/mosquitto-session-auth/sessions.db
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var keys: KeysLocation

    @Option(
        name: .customLong("key-alg"),
        help: "Algorithm of the key made when the keys directory has none (\(SigningAlgorithmOption.names)).")
    var keyAlgorithmName = SigningAlgorithmOption.defaultAlgorithm.rawValue

    @Flag(name: .customLong("no-key"), help: "Make no signing key (tokens are then not available until one is).")
    var noKey = false

    func validate() throws {
        if SigningAlgorithmOption.parse(keyAlgorithmName) == nil {
            throw SigningAlgorithmOption.unknown(keyAlgorithmName, option: "--key-alg")
        }
    }

    func run() throws {
        let path = store.path
        let existed = FileManager.default.fileExists(atPath: path)
        let opened: SessionStore
        do { opened = try SessionStore.initialise(at: path) } catch { throw CLIError(error.description) }
        let version = try opened.schemaVersion
        let absolutePath = URL(fileURLWithPath: path).standardizedFileURL.path
        let ring = try keys.keyRing(store: store)
        let generated = try makeKeyIfNone(ring)
        let published = FileManager.default.fileExists(atPath: ring.jwksPath)
        if store.json {
            try Output.json(
                InitJSON(
                    path: absolutePath, created: !existed, schemaVersion: version, keysPath: ring.directory,
                    jwksPath: ring.jwksPath, generatedKeyID: generated?.keyID))
            return
        }
        print(
            existed
                ? "Store at \(absolutePath) is up to date (schema version \(version))."
                : "Created the store at \(absolutePath) (schema version \(version)).")
        if let generated {
            print("Generated the \(generated.algorithm.rawValue) signing key \(generated.keyID) in \(ring.directory).")
        } else if published {
            print("Signing keys: \(ring.directory) (sessionctl keys list).")
        }
        print("")
        print("Add to mosquitto.conf:")
        print("  plugin \(Self.pluginPath())")
        print("  plugin_opt_db_path \(absolutePath)")
        if published {
            print("  plugin_opt_jwt_keys \(ring.jwksPath)")
        }
    }

    /// A key of --key-alg when the keys directory has no published key and --no-key was not given.
    private func makeKeyIfNone(_ ring: KeyRing) throws -> KeyRecord? {
        guard !noKey, let algorithm = SigningAlgorithmOption.parse(keyAlgorithmName) else { return nil }
        do {
            guard try !ring.hasPublishedKey() else { return nil }
            let update = try ring.generate(algorithm)
            KeysOutput.warn(update.warning)
            return update.key
        } catch {
            throw error.cliError
        }
    }

    /// The plugin next to this binary when it is there (a build folder), else where packages put it.
    static func pluginPath() -> String {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let sibling = executable.deletingLastPathComponent().appendingPathComponent("mosquitto_session_auth.so")
        if FileManager.default.fileExists(atPath: sibling.path) { return sibling.standardizedFileURL.path }
        return "/usr/lib/x86_64-linux-gnu/mosquitto_session_auth.so"
    }
}

/// What `init --json` prints; the field names are an interface for scripts.
struct InitJSON: Encodable {
    let path: String
    let created: Bool
    let schemaVersion: Int64
    let keysPath: String
    let jwksPath: String
    /// The kid of the key this run made; null when the directory had one or --no-key was given.
    let generatedKeyID: String?

    enum CodingKeys: String, CodingKey {
        case path, created
        case schemaVersion = "schema_version"
        case keysPath = "keys_path"
        case jwksPath = "jwks_path"
        case generatedKeyID = "generated_kid"
    }

    /// Every field present, null included: a script reads one shape whatever init did.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(created, forKey: .created)
        try container.encode(schemaVersion, forKey: .schemaVersion)
        try container.encode(keysPath, forKey: .keysPath)
        try container.encode(jwksPath, forKey: .jwksPath)
        try container.encode(generatedKeyID, forKey: .generatedKeyID)
    }
}
