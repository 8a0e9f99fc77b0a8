import Foundation
import Testing

/// Item 3: sessionctl against a real store, as a script or an operator runs it.
@Suite final class SessionCtlTests {
    let folder: TemporaryStoreFolder
    var directory: URL { folder.directory }
    var ctl: SessionCtl { folder.ctl }

    init() throws {
        folder = try TemporaryStoreFolder(initialise: false)
    }

    private func json(_ result: CommandResult) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    @Test func initCreatesAWalStoreAndPrintsTheConfigLines() throws {
        let result = try ctl.run(["init"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("plugin_opt_db_path \(ctl.databasePath)"))
        #expect(result.stdout.contains("plugin "))
        // SQLite file header bytes 18 and 19 are 2 in WAL mode.
        let header = try Data(contentsOf: URL(fileURLWithPath: ctl.databasePath)).prefix(20)
        #expect(header[18] == 2 && header[19] == 2)
        let again = try ctl.run(["init", "--json"])
        #expect(again.status == 0)
        let object = try json(again) as? [String: Any]
        #expect(object?["schema_version"] as? Int == 3)
        #expect(object?["created"] as? Bool == false)
    }

    @Test func createListShowCloseWithJsonFields() throws {
        try ctl.initialise()
        let created = try ctl.run(["create", "--type", "open", "--ttl", "24h", "--label", "room 4", "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let session = try #require(try json(created) as? [String: Any])
        let id = try #require(session["id"] as? String)
        #expect(id.count == 8)
        #expect((session["pin"] as? String)?.count == 6)
        #expect(session["state"] as? String == "open")
        #expect(session["type"] as? String == "open")
        #expect(session["label"] as? String == "room 4")
        let createdAt = try #require(session["created_at"] as? Int)
        #expect(session["expires_at"] as? Int == createdAt + 86_400)

        let listed = try #require(try json(ctl.run(["list", "--json"])) as? [[String: Any]])
        #expect(listed.map { $0["id"] as? String } == [id])
        #expect(listed.first?["pin"] == nil, "list must never print the pin")
        #expect(listed.first?.keys.contains("expires_at") == true)

        let shown = try ctl.run(["show", id])
        #expect(
            shown.status == 0 && shown.stdout.contains("room 4") && !shown.stdout.contains(session["pin"] as! String))

        #expect(try ctl.run(["close", id]).status == 0)
        let closed = try #require(try json(ctl.run(["show", id, "--json"])) as? [String: Any])
        #expect(closed["state"] as? String == "closed")
        #expect(try ctl.run(["close", id]).stdout.contains("already closed"))
        #expect(try ctl.run(["list", "--state", "open", "--json"]).stdout == "[]\n")
    }

    @Test func sessionWithoutTtlHasNullExpiry() throws {
        try ctl.initialise()
        let session = try #require(try json(ctl.run(["create", "--json"])) as? [String: Any])
        #expect(session["expires_at"] is NSNull)
        #expect(session["label"] is NSNull)
    }

    @Test func environmentVariableNamesTheStore() throws {
        #expect(try ctl.run(["init"], useEnvironment: true).status == 0)
        #expect(try ctl.run(["create"], useEnvironment: true).status == 0)
        #expect(try ctl.run(["list"], useEnvironment: true).stdout.contains("open"))
    }

    @Test func pinIsNotStoredInClear() throws {
        try ctl.initialise()
        let session = try #require(try json(ctl.run(["create", "--json"])) as? [String: Any])
        let pin = try #require(session["pin"] as? String)
        let file =
            try Data(contentsOf: URL(fileURLWithPath: ctl.databasePath))
            + ((try? Data(contentsOf: URL(fileURLWithPath: ctl.databasePath + "-wal"))) ?? Data())
        #expect(file.range(of: Data("\(session["id"] as! String):\(pin)".utf8)) == nil)
        #expect(file.range(of: Data("sha256$".utf8)) != nil)
    }

    @Test(arguments: [
        (["show", "nosuch"], "no session with id 'nosuch'"),
        (["close", "nosuch"], "no session with id 'nosuch'"),
        (["create", "--type", "nosuchtype"], "unknown session type 'nosuchtype'"),
    ])
    func runtimeErrorsAreOneLineAndExitOne(arguments: [String], message: String) throws {
        try ctl.initialise()
        let result = try ctl.run(arguments)
        #expect(result.status == 1)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(result.stderr.trimmingCharacters(in: .newlines).components(separatedBy: "\n").count == 1)
    }

    @Test(arguments: ["list", "show x", "close x", "create"])
    func missingStoreIsNamedWithTheFix(command: String) throws {
        let result = try ctl.run(command.components(separatedBy: " "))
        #expect(result.status == 1)
        #expect(result.stderr.contains("no store at \(ctl.databasePath); create it with 'sessionctl init"))
        #expect(!FileManager.default.fileExists(atPath: ctl.databasePath), "a read command must not create the store")
    }

    @Test(arguments: [
        ["create", "--ttl", "5x"], ["create", "--ttl", "0"], ["create", "--id", "a/b"], ["list", "--state", "gone"],
        ["show"], ["nosuchcommand"],
    ])
    func badArgumentsExitWithUsageError(arguments: [String]) throws {
        try ctl.initialise()
        let result = try ctl.run(arguments)
        #expect(result.status == 64, "\(arguments): \(result.status) \(result.stderr)")
        #expect(result.stderr.contains("Error:"))
    }

    @Test func duplicateChosenIdIsRefused() throws {
        try ctl.initialise()
        #expect(try ctl.run(["create", "--id", "room-1"]).status == 0)
        let again = try ctl.run(["create", "--id", "room-1"])
        #expect(again.status == 1 && again.stderr.contains("a session with id 'room-1' already exists"))
    }

    @Test func parallelCreatesAllSucceed() throws {
        try ctl.initialise()
        let results = ConcurrentResults()
        let ctl = self.ctl
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            results.append((try? ctl.run(["create", "--json"]))?.status ?? -1)
        }
        #expect(results.values == Array(repeating: 0, count: 8))
        let listed = try #require(try json(ctl.run(["list", "--json"])) as? [[String: Any]])
        #expect(listed.count == 8)
    }
}

final class ConcurrentResults: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Int32] = []
    func append(_ value: Int32) { lock.withLock { storage.append(value) } }
    var values: [Int32] { lock.withLock { storage } }
}

/// sessionctl processes killed in the middle of writing leave no lost or half-written session.
@Suite final class SessionCtlCrashTests {
    let folder: TemporaryStoreFolder
    var directory: URL { folder.directory }
    var ctl: SessionCtl { folder.ctl }

    init() throws {
        folder = try TemporaryStoreFolder(initialise: true)
    }

    @Test func killedWritersLeaveAConsistentStore() throws {
        var writers: [SpawnedProcess] = []
        for index in 0..<16 {
            writers.append(
                try SpawnedProcess(
                    try BuildArtifacts.sessionctl,
                    ["create", "--json", "--label", "w\(index)", "--db", ctl.databasePath],
                    outputDirectory: directory))
        }
        // Kill every other one at once, wherever it is.
        for (index, writer) in writers.enumerated() where index % 2 == 0 { writer.kill() }
        for writer in writers { _ = writer.waitForExit(timeout: 30) }
        let survivors = writers.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        #expect(survivors.allSatisfy { $0.exitStatus == 0 }, "a writer that was not killed failed")
        let integrity = try Subprocess.run(
            "/usr/bin/python3",
            [
                "-c",
                "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])",
                ctl.databasePath,
            ])
        #expect(integrity.stdout == "ok\n")
        let listed = try #require(
            try JSONSerialization.jsonObject(with: Data(ctl.run(["list", "--json"]).stdout.utf8)) as? [[String: Any]])
        // Every session a surviving writer reported is there, whole; killed ones are there whole or not at all.
        let reported = survivors.compactMap { writer -> String? in
            (try? JSONSerialization.jsonObject(with: Data(writer.stdout.utf8)) as? [String: Any])?["id"] as? String
        }
        let ids = Set(listed.compactMap { $0["id"] as? String })
        #expect(Set(reported).isSubset(of: ids))
        #expect(listed.count >= 8 && listed.count <= 16)
        for session in listed {
            #expect(session["state"] as? String == "open")
            #expect((session["label"] as? String)?.hasPrefix("w") == true)
            #expect(session["created_at"] is Int)
        }
    }
}
