import Foundation

/// Runs the built `sessionctl` against one store.
struct SessionCtl {
    let databasePath: String

    func run(_ arguments: [String], useEnvironment: Bool = false) throws -> CommandResult {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "SESSIONCTL_DB")
        if useEnvironment {
            environment["SESSIONCTL_DB"] = databasePath
            return try Subprocess.run(try BuildArtifacts.sessionctl, arguments, environment: environment)
        }
        return try Subprocess.run(
            try BuildArtifacts.sessionctl, arguments + ["--db", databasePath], environment: environment)
    }

    func initialise() throws {
        let result = try run(["init"])
        guard result.status == 0 else { throw HarnessError("sessionctl init failed: \(result.stderr)") }
    }

    struct CreatedSession {
        let id: String
        let pin: String
        var password: String { "\(id):\(pin)" }
    }

    func createSession(_ extra: [String] = []) throws -> CreatedSession {
        let result = try run(["create", "--json"] + extra)
        guard result.status == 0,
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            let id = object["id"] as? String, let pin = object["pin"] as? String
        else { throw HarnessError("sessionctl create failed: \(result.status) \(result.stdout) \(result.stderr)") }
        IssuedSecrets.pin(pin)
        return CreatedSession(id: id, pin: pin)
    }

    func close(_ id: String) throws {
        let result = try run(["close", id])
        guard result.status == 0 else { throw HarnessError("sessionctl close failed: \(result.stderr)") }
    }
}
