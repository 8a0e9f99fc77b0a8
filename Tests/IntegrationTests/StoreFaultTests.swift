import Foundation
import Testing

extension IntegrationSuite {
    /// SPEC §5: the store can fail without the broker failing.
    @Suite struct StoreFaultTests {
        @Test func replacedStoreIsReloaded() throws {
            let broker = try Broker()
            defer { broker.stop() }
            let old = try broker.sessionctl.createSession()
            let device = broker.client("old-device")
            #expect(device.connect(username: "d", password: old.password) == 0)

            // A store restored from elsewhere, moved over the live one.
            let replacementPath = broker.directory.appendingPathComponent("replacement.db").path
            let replacement = SessionCtl(databasePath: replacementPath)
            try replacement.initialise()
            let fresh = try replacement.createSession()
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: broker.databasePath + suffix)
            }
            try FileManager.default.moveItem(atPath: replacementPath, toPath: broker.databasePath)
            for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: replacementPath + suffix) {
                try FileManager.default.moveItem(atPath: replacementPath + suffix, toPath: broker.databasePath + suffix)
            }

            #expect(broker.waitForLog("the store \(broker.databasePath) was", timeout: 3))
            #expect(device.waitForDisconnect(timeout: 3), "a session absent from the new store must end")
            var accepted = false
            let deadline = Date().addingTimeInterval(3)
            while !accepted && Date() < deadline {
                accepted = broker.client("new-device").connect(username: "d", password: fresh.password) == 0
                if !accepted { Thread.sleep(forTimeInterval: 0.1) }
            }
            #expect(accepted, "the replacement store's session was not usable")
            #expect(broker.client("old-again").connect(username: "d", password: old.password) == notAuthorisedV311)
        }

        @Test func writerHoldingTheLockDoesNotStallTheBroker() throws {
            let broker = try Broker()
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession()
            // Another process holds the write lock for 3 seconds (BEGIN IMMEDIATE), as a slow script would.
            let holder = try SpawnedProcess(
                "/usr/bin/python3",
                [
                    "-c",
                    "import sqlite3,time,sys; c=sqlite3.connect(sys.argv[1], isolation_level=None); "
                        + "c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(3); c.execute('ROLLBACK')",
                    broker.databasePath,
                ],
                outputDirectory: broker.directory)
            defer { holder.stop() }
            let deadline = Date().addingTimeInterval(2)
            while !holder.stdout.contains("locked") && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            #expect(holder.stdout.contains("locked"))
            // Served while the lock is still held: the plugin never waits on it (WAL readers don't).
            let device = broker.client("during-lock")
            #expect(device.connect(username: "d", password: session.password) == 0)
            #expect(device.subscribe("\(session.id)/#") == 1)
            #expect(holder.isRunning, "the lock was released before the broker answered: the test proved nothing")
        }
    }
}
