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

        /// A store replaced by something that is not a store (a bad restore): logins are refused with a
        /// clear line, connected clients stay, and putting a good store back recovers.
        @Test func corruptStoreRefusesLoginsUntilRepaired() throws {
            let broker = try Broker()
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession()
            let connected = broker.client("connected")
            #expect(connected.connect(username: "d", password: session.password) == 0)
            let backup = broker.directory.appendingPathComponent("backup.db").path
            #expect(
                try Subprocess.run(
                    "/usr/bin/python3",
                    [
                        "-c",
                        "import sqlite3,sys; s=sqlite3.connect(sys.argv[1]); d=sqlite3.connect(sys.argv[2]); s.backup(d); d.close()",
                        broker.databasePath, backup,
                    ]
                ).status == 0)

            let garbage = broker.directory.appendingPathComponent("garbage.db").path
            try Data(repeating: 0x5a, count: 8192).write(to: URL(fileURLWithPath: garbage))
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: broker.databasePath + suffix)
            }
            try FileManager.default.moveItem(atPath: garbage, toPath: broker.databasePath)
            #expect(broker.waitForLog("is not a session store", timeout: 3))
            #expect(broker.client("late").connect(username: "d", password: session.password) == notAuthorisedV311)
            #expect(broker.waitForLog("refused client 'late' from 127.0.0.1: the session store cannot be read"))
            #expect(!connected.isDisconnected, "a client verified before the fault must not be dropped by it")

            try FileManager.default.removeItem(atPath: broker.databasePath)
            try FileManager.default.moveItem(atPath: backup, toPath: broker.databasePath)
            #expect(broker.waitForLog("is readable again", timeout: 3))
            #expect(broker.client("after-repair").connect(username: "d", password: session.password) == 0)
        }

        /// The plugin never keeps a read transaction open, so a writer can always checkpoint the WAL
        /// back to nothing while the broker runs.
        @Test func walCanBeCheckpointedWhileTheBrokerRuns() throws {
            let broker = try Broker()
            defer { broker.stop() }
            for _ in 0..<20 { _ = try broker.sessionctl.createSession() }
            let device = broker.client("reader-active")
            let session = try broker.sessionctl.createSession()
            #expect(device.connect(username: "d", password: session.password) == 0)
            Thread.sleep(forTimeInterval: 0.3)
            let checkpoint = try Subprocess.run(
                "/usr/bin/python3",
                [
                    "-c",
                    "import sqlite3,sys,os; c=sqlite3.connect(sys.argv[1]); "
                        + "print(c.execute('PRAGMA wal_checkpoint(TRUNCATE)').fetchone()[0], os.path.getsize(sys.argv[1]+'-wal'))",
                    broker.databasePath,
                ])
            #expect(
                checkpoint.stdout == "0 0\n",
                "busy flag and WAL size after a TRUNCATE checkpoint: \(checkpoint.stdout)\(checkpoint.stderr)")
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
