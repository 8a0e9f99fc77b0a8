import Foundation
import Testing

/// `sessionctl profile` and `sessionctl check`, run as an operator would.
@Suite final class ProfileAndCheckTests {
    let folder: TemporaryStoreFolder
    var directory: URL { folder.directory }
    var ctl: SessionCtl { folder.ctl }

    init() throws {
        folder = try TemporaryStoreFolder(initialise: true)
    }

    @Test func initCreatesTheBuiltInProfiles() throws {
        let shown = try ctl.run(["profile", "show", "telemetry", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        let rules = try #require(object["rules"] as? [[String: String]])
        #expect(
            rules.map { "\($0["role"]!) \($0["access"]!) \($0["pattern"]!)" }.sorted() == [
                "admin readwrite #", "device readwrite cmd/+/%u/#", "device write dt/+/%u/#", "service read dt/#",
                "service readwrite cmd/#",
            ])
        #expect(try ctl.run(["profile", "list"]).stdout.contains("open"))
    }

    @Test func createEditAndDeleteAProfile() throws {
        #expect(try ctl.run(["profile", "create", "lab", "--description", "lab benches"]).status == 0)
        #expect(
            try ctl.run(["profile", "add-rule", "lab", "--role", "device", "--access", "read", "bench/%u/#"]).status
                == 0)
        #expect(try ctl.run(["profile", "show", "lab"]).stdout.contains("bench/%u/#"))
        #expect(
            try ctl.run(["profile", "remove-rule", "lab", "--role", "device", "--access", "read", "bench/%u/#"]).status
                == 0)
        let missing = try ctl.run([
            "profile", "remove-rule", "lab", "--role", "device", "--access", "read", "bench/%u/#",
        ])
        #expect(missing.status == 1 && missing.stderr.contains("has no such rule"))
        let session = try ctl.createSession(["--type", "lab"])
        let inUse = try ctl.run(["profile", "delete", "lab"])
        #expect(inUse.status == 1 && inUse.stderr.contains("used by 1 open session"))
        try ctl.close(session.id)
        #expect(try ctl.run(["profile", "delete", "lab"]).status == 0)
        #expect(try ctl.run(["profile", "show", "lab"]).status == 1)
    }

    @Test(arguments: [
        ["profile", "add-rule", "open", "--role", "device", "--access", "read", "$SYS/#"],
        ["profile", "add-rule", "open", "--role", "device", "--access", "read", "a/#/b"],
        ["profile", "add-rule", "open", "--role", "device", "--access", "read", "a/b+"],
        ["profile", "add-rule", "open", "--role", "device", "--access", "read", "a/%x"],
        ["profile", "add-rule", "open", "--role", "device", "--access", "everything", "a"],
        ["profile", "add-rule", "open", "--role", "dev/ice", "--access", "read", "a"],
        ["profile", "create", "bad/name"],
    ])
    func badRulesAreRefusedWithAUsageError(arguments: [String]) throws {
        let result = try ctl.run(arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
    }

    @Test func checkAnswersAsThePluginWould() throws {
        let session = try ctl.createSession(["--type", "telemetry"])
        let s = session.id
        func check(_ topic: String, _ access: String, password: String? = nil) throws -> CommandResult {
            try ctl.run([
                "check", "--username", "sensor1", "--clientid", "sensor1", "--password", password ?? session.password,
                "--topic", topic, "--access", access,
            ])
        }
        let allowed = try check("\(s)/dt/t/sensor1/c", "write")
        #expect(allowed.status == 0)
        #expect(allowed.stdout == "allow: by profile telemetry, role device: write dt/+/%u/#\n")
        let denied = try check("\(s)/dt/t/sensor2/c", "write")
        #expect(denied.status == 2)
        #expect(denied.stdout.contains("deny: no rule of profile telemetry, role device allows write"))
        #expect(try check("\(s)/dt/#", "subscribe").status == 2)
        #expect(try check("\(s)/cmd/+/sensor1/#", "subscribe").status == 0)
        #expect(try check("other/x", "read").stdout.contains("outside the session's topic root"))
        let wrongPin = try check("\(s)/dt/t/sensor1/c", "write", password: "\(s):000000x")
        #expect(wrongPin.status == 2 && wrongPin.stdout.contains("login refused: wrong pin"))
        let json = try ctl.run([
            "check", "--username", "sensor1", "--clientid", "sensor1", "--password", session.password, "--topic",
            "\(s)/cmd/a/sensor1/x", "--access", "read", "--json",
        ])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["decision"] as? String == "allow")
        #expect(object["rule"] as? String == "profile telemetry, role device: readwrite cmd/+/%u/#")
    }
}
