import ArgumentParser
import Foundation
import SessionAuthCore
import TokenIssuing

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the keys tokens are signed with, and the public JWKS the broker verifies them with.",
        discussion: """
            The keys directory is --keys DIR, else $\(KeysLocation.environmentVariable), else the folder \
            'keys' beside the store file. It holds jwks.json (the public keys; point the plugin's \
            plugin_opt_jwt_keys at it) and private/ (mode 0700: the private keys and their manifest).

            One key is active: new tokens are signed with it. Rotate to replace it; the old key stays \
            published until you retire it, so tokens it signed keep working until they expire.

            Example: sessionctl keys rotate && sessionctl keys list
            """,
        subcommands: [KeysGenerate.self, KeysRotate.self, KeysRetire.self, KeysList.self, KeysExportJWKS.self]
    )
}

struct KeysGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Add a signing key; it becomes the active key and is published in jwks.json.",
        discussion: """
            ES256 (P-256) is the default: small tokens, fast, supported everywhere. EdDSA is Ed25519; \
            RS*/PS* make 3072-bit RSA keys; HS* make a random secret, which puts the secret itself in \
            jwks.json (it is then mode 0640 and must be readable by the broker only).
            Example: sessionctl keys generate --alg EdDSA
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var keys: KeysLocation

    @Option(
        name: .customLong("alg"),
        help: "Algorithm (\(SigningAlgorithmOption.names)); repeat for several keys, the last one becomes active.")
    var algorithmNames: [String] = []

    func validate() throws {
        for name in algorithmNames where SigningAlgorithmOption.parse(name) == nil {
            throw SigningAlgorithmOption.unknown(name, option: "--alg")
        }
    }

    func run() throws {
        let ring = try keys.keyRing(store: store)
        let algorithms =
            algorithmNames.isEmpty
            ? [SigningAlgorithmOption.defaultAlgorithm] : algorithmNames.compactMap(SigningAlgorithmOption.parse)
        let (generated, warning) = try Self.generate(algorithms, in: ring)
        let activeID = generated.last?.keyID
        // Each key was active when made; only the last still is, so they are shown as they are now.
        let current = generated.count > 1 ? ((try? ring.list()) ?? []) : []
        let shown = generated.map { record in current.first { $0.keyID == record.keyID } ?? record }
        KeysOutput.warn(warning)
        if store.json {
            try Output.json(shown.map { KeyJSON($0, jwksPath: ring.jwksPath) })
            return
        }
        KeysOutput.table(shown)
        print("")
        print("Published in \(ring.jwksPath); new tokens are signed with \(activeID ?? "-").")
    }

    /// The keys made, and the warning of the last change (the JWKS as it is now).
    private static func generate(_ algorithms: [JWSAlgorithm], in ring: KeyRing) throws -> ([KeyRecord], String?) {
        var generated: [KeyRecord] = []
        var warning: String? = nil
        do {
            for algorithm in algorithms {
                let update = try ring.generate(algorithm)
                generated.append(update.key)
                warning = update.warning
            }
        } catch {
            throw error.cliError
        }
        return (generated, warning)
    }
}

struct KeysRotate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Replace the active key with a new one of the same algorithm; the old one stays published.",
        discussion: """
            Tokens signed with the old key keep verifying until you retire it (sessionctl keys retire KID), \
            which you do once they have expired.
            Example: sessionctl keys rotate
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var keys: KeysLocation

    func run() throws {
        let ring = try keys.keyRing(store: store)
        let (previous, update) = try Self.rotate(ring)
        KeysOutput.warn(update.warning)
        if store.json {
            try Output.json(KeyJSON(update.key, jwksPath: ring.jwksPath))
            return
        }
        KeysOutput.table([update.key])
        print("")
        print("New tokens are signed with \(update.key.keyID).")
        if let previous {
            print(
                "\(previous.keyID) stays published in \(ring.jwksPath); once its tokens have expired, "
                    + "run: sessionctl keys retire \(previous.keyID)")
        }
    }

    /// The key that was active, and the rotation.
    private static func rotate(_ ring: KeyRing) throws -> (KeyRecord?, KeyRingUpdate) {
        do {
            let previous = try ring.list().first { $0.isActive }
            return (previous, try ring.rotate())
        } catch {
            // A directory with no keys has nothing to rotate: say how to make the first key.
            if case .noKeys = error { throw KeyRingError.noSigningKey(directory: ring.directory).cliError }
            throw error.cliError
        }
    }
}

struct KeysRetire: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retire",
        abstract: "Unpublish a key and delete its private key: tokens it signed stop verifying.",
        discussion: """
            The active key can be retired only while another key is published; the newest of those then \
            becomes active. Rotate first to retire the only key.
            Example: sessionctl keys retire es256-20250101-Ab3_x9
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var keys: KeysLocation

    @Argument(help: "The kid of the key (see sessionctl keys list).")
    var kid: String

    func run() throws {
        let ring = try keys.keyRing(store: store)
        let (wasActive, update) = try Self.retire(kid, in: ring)
        KeysOutput.warn(update.warning)
        if store.json {
            try Output.json(KeyJSON(update.key, jwksPath: ring.jwksPath))
            return
        }
        print(
            "Retired \(kid): removed from \(ring.jwksPath) and its private key deleted; tokens it signed stop verifying."
        )
        if wasActive, let active = update.activeKey {
            print("\(active.keyID) (\(active.algorithm.rawValue)) is now the active signing key.")
        }
    }

    /// Whether the key was the active one, and the retirement.
    private static func retire(_ kid: String, in ring: KeyRing) throws -> (Bool, KeyRingUpdate) {
        do {
            let wasActive = try ring.list().first { $0.keyID == kid }?.isActive ?? false
            return (wasActive, try ring.retire(kid))
        } catch {
            throw error.cliError
        }
    }
}

struct KeysList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the keys: algorithm, creation time, which one is active, which are published.",
        discussion: "Example: sessionctl keys list --json"
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var keys: KeysLocation

    func run() throws {
        let ring = try keys.keyRing(store: store)
        let records: [KeyRecord]
        do { records = try ring.list() } catch { throw error.cliError }
        if store.json {
            try Output.json(records.map { KeyJSON($0, jwksPath: ring.jwksPath) })
            return
        }
        KeysOutput.table(records)
        print("")
        print("JWKS: \(ring.jwksPath)")
    }
}

struct KeysExportJWKS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-jwks",
        abstract: "Print the public JWKS of the published keys (what jwks.json holds), or write it to a file.",
        discussion: """
            For another verifier or a web server; the broker reads jwks.json itself. A JWKS with an HMAC \
            key holds the secret: it is written 0640 and a warning is printed.
            Example: sessionctl keys export-jwks --output /srv/www/.well-known/jwks.json
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var keys: KeysLocation

    @Option(help: "Write the JWKS to this file (replaced atomically) instead of printing it.")
    var output: String?

    func run() throws {
        let ring = try keys.keyRing(store: store)
        guard let output else {
            let set: PublicKeySet
            do { set = try ring.publicKeySet() } catch { throw error.cliError }
            if set.holdsSecret {
                KeysOutput.warn(
                    "this JWKS holds the HMAC secret of \(set.secretKeyIDs.joined(separator: ", ")); never publish it")
            }
            FileHandle.standardOutput.write(Data(set.bytes))
            return
        }
        let path = URL(fileURLWithPath: output).standardizedFileURL.path
        let set: PublicKeySet
        let records: [KeyRecord]
        do {
            set = try ring.exportPublicKeySet(to: path)
            records = try ring.list().filter { set.keyIDs.contains($0.keyID) }
        } catch {
            throw error.cliError
        }
        KeysOutput.warn(set.warning(path: path))
        if store.json {
            try Output.json(records.map { KeyJSON($0, jwksPath: path) })
            return
        }
        print("Wrote \(set.keyIDs.count) public key\(set.keyIDs.count == 1 ? "" : "s") to \(path).")
    }
}
