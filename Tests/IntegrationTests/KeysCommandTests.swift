import Foundation
import Testing

/// `sessionctl keys` and the key `init` makes, run as an operator or a script would: the real binary,
/// a temporary store folder, stdout, stderr, exit status and the files left behind.
@Suite final class KeysCommandTests {
    let folder: TemporaryStoreFolder
    var databasePath: String { folder.ctl.databasePath }
    /// Where the keys go by default: a folder `keys` beside the store file.
    var keysPath: String { folder.directory.appendingPathComponent("keys").path }
    var jwksPath: String { keysPath + "/jwks.json" }

    init() throws {
        folder = try TemporaryStoreFolder(initialise: false)
    }

    /// Runs sessionctl with `--db` and no inherited SESSIONCTL_* variables, plus `environment`.
    private func run(_ arguments: [String], environment extra: [String: String] = [:], db: Bool = true) throws
        -> CommandResult
    {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "SESSIONCTL_DB")
        environment.removeValue(forKey: "SESSIONCTL_KEYS")
        environment.merge(extra) { _, new in new }
        return try Subprocess.run(
            try BuildArtifacts.sessionctl, arguments + (db ? ["--db", databasePath] : []), environment: environment)
    }

    private func succeeded(_ arguments: [String]) throws -> CommandResult {
        let result = try run(arguments)
        guard result.status == 0 else {
            throw HarnessError("sessionctl \(arguments) exited \(result.status): \(result.stderr)")
        }
        return result
    }

    private func jsonObjects(_ arguments: [String]) throws -> [[String: Any]] {
        let stdout = try succeeded(arguments + ["--json"]).stdout
        let value = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
        if let object = value as? [String: Any] { return [object] }
        guard let array = value as? [[String: Any]] else { throw HarnessError("not JSON objects: \(stdout)") }
        return array
    }

    private func publishedKeyIDs(_ path: String? = nil) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path ?? jwksPath))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let keys = try #require(object["keys"] as? [[String: Any]])
        return keys.compactMap { $0["kid"] as? String }
    }

    private func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? Int ?? -1) & 0o7777
    }

    private func expectOneLineError(_ result: CommandResult, status: Int32, _ message: String) {
        #expect(result.status == status, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(result.stderr.trimmingCharacters(in: .newlines).components(separatedBy: "\n").count == 1)
    }

    @Test func generateListRotateRetireAndExport() throws {
        let first = try #require(try jsonObjects(["keys", "generate"]).first)
        #expect(first["alg"] as? String == "ES256" && first["active"] as? Bool == true)
        #expect(first["jwks_path"] as? String == jwksPath)
        #expect(first["created_at"] is Int)
        let firstID = try #require(first["kid"] as? String)
        #expect(firstID.hasPrefix("es256-"))

        let two = try jsonObjects(["keys", "generate", "--alg", "EdDSA", "--alg", "es384"])
        #expect(two.map { $0["alg"] as? String } == ["EdDSA", "ES384"])
        #expect(two.map { $0["active"] as? Bool } == [false, true])

        let listed = try jsonObjects(["keys", "list"])
        #expect(listed.count == 3)
        #expect(listed.map { $0["active"] as? Bool } == [false, false, true])
        #expect(listed.allSatisfy { $0["published"] as? Bool == true && $0["jwks_path"] as? String == jwksPath })

        let rotated = try #require(try jsonObjects(["keys", "rotate"]).first)
        let rotatedID = try #require(rotated["kid"] as? String)
        #expect(rotated["alg"] as? String == "ES384" && rotated["active"] as? Bool == true)
        #expect(try publishedKeyIDs().count == 4)

        let retired = try #require(try jsonObjects(["keys", "retire", firstID]).first)
        #expect(retired["kid"] as? String == firstID)
        #expect(retired["published"] as? Bool == false && retired["active"] as? Bool == false)
        #expect(try !publishedKeyIDs().contains(firstID))
        #expect(try publishedKeyIDs().contains(rotatedID))
        #expect(!FileManager.default.fileExists(atPath: keysPath + "/private/\(firstID).pem"))

        let table = try succeeded(["keys", "list"]).stdout
        #expect(table.hasPrefix("KID"))
        #expect(table.contains(firstID) && table.contains("retired"))
        #expect(table.contains("JWKS: \(jwksPath)"))

        let exported = try succeeded(["keys", "export-jwks"]).stdout
        #expect(Data(exported.utf8) == (try Data(contentsOf: URL(fileURLWithPath: jwksPath))))

        let output = folder.directory.appendingPathComponent("public.json").path
        let written = try jsonObjects(["keys", "export-jwks", "--output", output])
        #expect(written.count == 3 && written.allSatisfy { $0["jwks_path"] as? String == output })
        #expect(try publishedKeyIDs(output) == publishedKeyIDs())
        #expect(try mode(output) == 0o644)
    }

    @Test func humanOutputIsATableAndNamesTheActiveKey() throws {
        let generated = try succeeded(["keys", "generate"]).stdout
        #expect(generated.hasPrefix("KID"))
        #expect(generated.contains("Published in \(jwksPath)"))
        let rotated = try succeeded(["keys", "rotate"]).stdout
        #expect(rotated.contains("stays published") && rotated.contains("sessionctl keys retire"))
        let kid = try #require(try jsonObjects(["keys", "list"]).first?["kid"] as? String)
        let retired = try succeeded(["keys", "retire", kid]).stdout
        #expect(retired.contains("Retired \(kid)"))
    }

    @Test func filesHaveTheirModes() throws {
        let kid = try #require(try jsonObjects(["keys", "generate"]).first?["kid"] as? String)
        #expect(try mode(keysPath) == 0o755)
        #expect(try mode(keysPath + "/private") == 0o700)
        #expect(try mode(keysPath + "/private/\(kid).pem") == 0o600)
        #expect(try mode(jwksPath) == 0o644)

        let hmac = try run(["keys", "generate", "--alg", "HS256"])
        #expect(hmac.status == 0)
        #expect(hmac.stderr.contains("warning:") && hmac.stderr.contains("HMAC secret") && hmac.stderr.contains("0640"))
        #expect(try mode(jwksPath) == 0o640)
        let secretID = try #require(try jsonObjects(["keys", "list"]).last?["kid"] as? String)
        #expect(try mode(keysPath + "/private/\(secretID).secret") == 0o600)
    }

    @Test(arguments: [["keys", "generate", "--alg", "ES999"], ["init", "--key-alg", "none"]])
    func unknownAlgorithmIsOneLineAndAUsageError(arguments: [String]) throws {
        let result = try run(arguments)
        expectOneLineError(result, status: 64, "unknown --")
        #expect(result.stderr.contains("ES256, ES384, EdDSA"))
        #expect(!FileManager.default.fileExists(atPath: keysPath))
    }

    @Test(arguments: [
        (["keys", "list"], "no keys in"), (["keys", "rotate"], "no signing key: run `sessionctl keys generate`"),
        (["keys", "retire", "es256-x"], "no keys in"), (["keys", "export-jwks"], "no keys in"),
    ])
    func commandsWithoutAKeysDirectorySayHowToMakeOne(arguments: [String], message: String) throws {
        let result = try run(arguments)
        expectOneLineError(result, status: 1, message)
        #expect(result.stderr.contains(keysPath))
        #expect(!FileManager.default.fileExists(atPath: keysPath), "a failed command must not create the directory")
    }

    @Test func retireRefusesUnknownKidsAndTheOnlyKey() throws {
        let kid = try #require(try jsonObjects(["keys", "generate"]).first?["kid"] as? String)
        expectOneLineError(try run(["keys", "retire", "nope"]), status: 1, "no key 'nope' in \(keysPath)")
        expectOneLineError(try run(["keys", "retire", kid]), status: 1, "run `sessionctl keys rotate` first")
        #expect(try publishedKeyIDs() == [kid])
    }

    @Test func keysDirectoryComesFromTheOptionTheEnvironmentOrBesideTheStore() throws {
        let explicit = folder.directory.appendingPathComponent("by-option").path
        let byOption = try #require(try jsonObjects(["keys", "generate", "--keys", explicit]).first)
        #expect(byOption["jwks_path"] as? String == explicit + "/jwks.json")

        let fromEnvironment = folder.directory.appendingPathComponent("by-env").path
        let result = try run(["keys", "generate", "--json"], environment: ["SESSIONCTL_KEYS": fromEnvironment])
        #expect(result.status == 0)
        #expect(FileManager.default.fileExists(atPath: fromEnvironment + "/jwks.json"))
        #expect(!FileManager.default.fileExists(atPath: keysPath))

        let besideStore = try run(
            ["keys", "generate"], environment: ["SESSIONCTL_DB": databasePath], db: false)
        #expect(besideStore.status == 0)
        #expect(FileManager.default.fileExists(atPath: jwksPath))
    }

    @Test func initMakesAKeyOnceAndPrintsTheConfigLine() throws {
        let result = try succeeded(["init"])
        #expect(result.stdout.contains("plugin_opt_jwt_keys \(jwksPath)"))
        let kids = try publishedKeyIDs()
        #expect(kids.count == 1 && kids[0].hasPrefix("es256-"))

        let again = try #require(try jsonObjects(["init"]).first)
        #expect(again["keys_path"] as? String == keysPath)
        #expect(again["jwks_path"] as? String == jwksPath)
        #expect(again["generated_kid"] is NSNull)
        #expect(try publishedKeyIDs() == kids, "init must not add a key when there is one")
    }

    @Test func initTakesTheKeyAlgorithmOrNoKey() throws {
        let created = try #require(try jsonObjects(["init", "--key-alg", "EdDSA"]).first)
        #expect((created["generated_kid"] as? String)?.hasPrefix("eddsa-") == true)

        let other = try TemporaryStoreFolder(initialise: false)
        let noKey = try Subprocess.run(
            try BuildArtifacts.sessionctl, ["init", "--no-key", "--db", other.ctl.databasePath],
            environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SESSIONCTL_") })
        #expect(noKey.status == 0)
        #expect(!noKey.stdout.contains("plugin_opt_jwt_keys"))
        #expect(!FileManager.default.fileExists(atPath: other.directory.appendingPathComponent("keys").path))
    }

    @Test(arguments: ["generate", "rotate", "retire", "list", "export-jwks"])
    func everySubcommandsHelpHasAnExample(subcommand: String) throws {
        let result = try run(["keys", subcommand, "--help"], db: false)
        #expect(result.status == 0)
        #expect(result.stdout.contains("Example: sessionctl keys \(subcommand)"))
    }

    /// Six sessionctl processes adding a key at once: the manifest lock keeps every key, one active.
    @Test func parallelGeneratesLoseNoKey() throws {
        let results = ConcurrentResults()
        let executable = try BuildArtifacts.sessionctl
        let arguments = ["keys", "generate", "--alg", "EdDSA", "--db", databasePath]
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SESSIONCTL_") }
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            results.append((try? Subprocess.run(executable, arguments, environment: environment).status) ?? -1)
        }
        #expect(results.values == [Int32](repeating: 0, count: 6))
        let listed = try jsonObjects(["keys", "list"])
        #expect(Set(listed.compactMap { $0["kid"] as? String }).count == 6)
        #expect(listed.filter { $0["active"] as? Bool == true }.count == 1)
        #expect(try Set(publishedKeyIDs()) == Set(listed.compactMap { $0["kid"] as? String }))
    }
}
