import ArgumentParser
import Foundation
import TokenIssuing

/// Where the signing keys live: `--keys DIR`, else `$SESSIONCTL_KEYS`, else a `keys` folder beside the
/// store file. Any command that signs or manages keys takes this with `@OptionGroup`.
struct KeysLocation: ParsableArguments {
    static let environmentVariable = "SESSIONCTL_KEYS"

    @Option(
        name: .customLong("keys"),
        help: "Keys directory (default: $\(environmentVariable), else a folder 'keys' beside the store file).")
    var directory: String?

    /// Absolute, so messages and the printed mosquitto.conf line hold wherever they are used.
    func path(store: StoreOptions) -> String {
        if let directory, !directory.isEmpty { return Self.absolute(directory) }
        if let fromEnvironment = ProcessInfo.processInfo.environment[Self.environmentVariable], !fromEnvironment.isEmpty
        {
            return Self.absolute(fromEnvironment)
        }
        let storeFile = URL(fileURLWithPath: Self.absolute(store.path))
        return storeFile.deletingLastPathComponent().appendingPathComponent("keys").standardizedFileURL.path
    }

    func keyRing(store: StoreOptions) throws -> KeyRing {
        KeyRing(directory: path(store: store))
    }

    private static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
