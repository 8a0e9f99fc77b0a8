import Foundation
import Testing

extension IntegrationSuite {
    /// Issue 5: a store whose folder the broker's user cannot write (SQLite's read-only connections still
    /// create the WAL index `-shm` beside the file). The broker keeps running, logs why, refuses session
    /// logins it cannot verify, and picks the store up within a second once the folder is fixed.
    @Suite struct ReadOnlyStoreFolderTests {
        @Test func aStoreInAFolderTheBrokerCannotWriteIsRefusedUntilFixed() throws {
            // Root ignores file modes: run the broker as another user, as Debian's service does.
            guard NSUserName() == "root", getpwnam("mosquitto") != nil else {
                Issue.record(
                    "needs root and the mosquitto user (Debian's mosquitto package) to run the broker as another user")
                return
            }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ro-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let storeFolder = folder.appendingPathComponent("store")
            try FileManager.default.createDirectory(at: storeFolder, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
            let database = storeFolder.appendingPathComponent("sessions.db").path
            let ctl = SessionCtl(databasePath: database)
            try ctl.initialise()
            let session = try ctl.createSession()
            // Owned by root, readable by all, writable by nobody else: no -shm can be made beside it.
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: storeFolder.path)
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: database)

            let broker = try Broker(installed: (try BuildArtifacts.plugin, database, "mosquitto"))
            defer { broker.stop() }
            #expect(broker.waitForLog("session logins are refused until it can be read", timeout: 3), "\(broker.log)")
            #expect(broker.client("early").connect(username: "d", password: session.password) == notAuthorisedV311)
            #expect(broker.waitForLog("refused client 'early' from 127.0.0.1: the session store cannot be read"))

            // The operator gives the broker's user the folder, as `make install` does.
            #expect(try Subprocess.run("/bin/chown", ["-R", "mosquitto", storeFolder.path]).status == 0)
            let deadline = Date().addingTimeInterval(3)
            var accepted = false
            while !accepted && Date() < deadline {
                accepted = broker.client("later").connect(username: "d", password: session.password) == 0
                if !accepted { Thread.sleep(forTimeInterval: 0.2) }
            }
            #expect(accepted, "the store was not picked up after the folder was fixed; log:\n\(broker.log)")
        }
    }
}
