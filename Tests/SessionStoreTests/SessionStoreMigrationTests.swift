import Foundation
import Testing

@testable import SessionStore

@Suite struct SessionStoreMigrationTests {
    /// A store written by the first release (schema 1) is brought up to date by the next writer that
    /// opens it, without losing a session, and the plugin's reader then sees the new profiles.
    @Test func schemaOneStoreIsMigratedWithItsSessions() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path()
        do {
            let old = try SQLiteDatabase(path: path, mode: .readWriteCreate, busyTimeoutMilliseconds: 1_000)
            try old.execute("PRAGMA journal_mode = WAL")
            try old.execute(StoreSchema.createMigrationsTable)
            try old.execute(StoreSchema.migrations[0].sql)
            try old.execute("INSERT INTO schema_migrations (version, name) VALUES (1, 'create_sessions')")
            try old.execute(
                """
                INSERT INTO sessions (id, pin_hash, type, label, created_at, expires_at, closed_at, revision)
                VALUES ('keep1', '\(StoreFixtures.pinHash().stored)', 'open', 'old', 1700000000, NULL, NULL, 1)
                """)
            try old.execute("UPDATE store_revision SET value = 1")
        }
        let store = try SessionStore.open(at: path)
        #expect(try store.schemaVersion == 3)
        #expect(try store.sessions().map(\.id) == ["keep1"])
        #expect(try store.session(id: "keep1")?.label == "old")
        let profiles = try store.profiles()
        #expect(profiles.map(\.name) == ["open", "telemetry"])
        #expect(profiles.first?.rules.map(\.pattern) == ["#"])

        let reader = try SessionStoreReader(path: path)
        #expect(try reader.profiles().count == 2)
        #expect(try reader.profilesRevision() > 1, "the reader must see the profiles as changed after the upgrade")
        #expect(try reader.sessions(changedAfter: 0).map(\.id) == ["keep1"])
    }
}
