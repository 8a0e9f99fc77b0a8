import Foundation
import SessionStore
import Testing

@Suite struct SessionStoreSchemaTests {
    @Test func initialiseCreatesAWALStoreAtTheLatestSchema() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path()
        #expect(!FileManager.default.fileExists(atPath: path))

        let store = try SessionStore.initialise(at: path)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(store.path == path)
        #expect(try store.schemaVersion == 3)
        #expect(try store.profileNames() == ["open", "telemetry"])
        #expect(try store.sessions().isEmpty)

        let check = try SQLiteDatabase(path: path, mode: .readOnly, busyTimeoutMilliseconds: 0)
        #expect(try check.text("PRAGMA journal_mode") == "wal")
        #expect(try check.integer("SELECT count(*) FROM schema_migrations") == 3)
        #expect(try check.text("SELECT name FROM schema_migrations WHERE version = 1") == "create_sessions")
        #expect(try check.text("SELECT name FROM schema_migrations WHERE version = 2") == "create_profile_rules")
        // Migration 2 stamps the built-in profiles with the first revision.
        #expect(try check.integer("SELECT value FROM store_revision WHERE id = 1") == 1)
    }

    @Test func walModeIsStoredInTheFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path()
        do { _ = try SessionStore.initialise(at: path) }
        // A brand-new connection, after the writer is gone, still sees WAL: it is a property of the file.
        let header = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(header.prefix(16) == Data("SQLite format 3\0".utf8))
        #expect(header[18] == 2 && header[19] == 2)  // file format read/write versions 2 = WAL
        let check = try SQLiteDatabase(path: path, mode: .readWrite, busyTimeoutMilliseconds: 0)
        #expect(try check.text("PRAGMA journal_mode") == "wal")
    }

    @Test func initialiseTwiceIsIdempotent() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path()
        do {
            let store = try SessionStore.initialise(at: path)
            try StoreFixtures.insert(store, id: "keepme")
        }
        let again = try SessionStore.initialise(at: path)
        #expect(try again.schemaVersion == 3)
        #expect(try again.profileNames() == ["open", "telemetry"])
        #expect(try again.sessions().map(\.id) == ["keepme"])

        let check = try SQLiteDatabase(path: path, mode: .readOnly, busyTimeoutMilliseconds: 0)
        #expect(try check.integer("SELECT count(*) FROM schema_migrations") == 3)
        #expect(try check.integer("SELECT count(*) FROM profiles") == 2)
        #expect(try check.integer("SELECT value FROM store_revision WHERE id = 1") == 2)
    }

    @Test func openAnInitialisedStore() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path()
        do { _ = try SessionStore.initialise(at: path) }
        let store = try SessionStore.open(at: path)
        #expect(try store.schemaVersion == 3)
        #expect(try store.profileNames() == ["open", "telemetry"])
    }

    @Test func openOnAMissingPathThrowsMissingAndCreatesNothing() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path("absent.db")
        #expect(throws: StoreError.missing(path: path)) { try SessionStore.open(at: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(
            StoreError.missing(path: path).description
                == "no store at \(path); create it with 'sessionctl init --db \(path)'")
    }

    @Test func openOnAMissingFolderThrowsMissing() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path("no/such/folder/sessions.db")
        #expect(throws: StoreError.missing(path: path)) { try SessionStore.open(at: path) }
    }

    @Test func openOnGarbageThrowsNotAStore() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path("garbage.db")
        let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
        try garbage.write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.notAStore(path: path)) { try SessionStore.open(at: path) }
        // Refused, not repaired: the bytes are untouched.
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
    }

    @Test func initialiseOnGarbageThrowsNotAStore() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path("garbage.db")
        let garbage = Data(repeating: 0xa5, count: 4096)
        try garbage.write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.notAStore(path: path)) { try SessionStore.initialise(at: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
    }

    @Test func openOnAnotherSQLiteDatabaseThrowsNotAStore() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path("other.db")
        do {
            let other = try SQLiteDatabase(path: path, mode: .readWriteCreate, busyTimeoutMilliseconds: 0)
            try other.execute("CREATE TABLE notes (body TEXT)")
        }
        #expect(throws: StoreError.notAStore(path: path)) { try SessionStore.open(at: path) }
        // And open did not turn it into a store behind the operator's back.
        let check = try SQLiteDatabase(path: path, mode: .readOnly, busyTimeoutMilliseconds: 0)
        #expect(try check.integer("SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'") == 0)
    }

    @Test func newerSchemaIsRefusedByWriterAndReader() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path()
        do { _ = try SessionStore.initialise(at: path) }
        do {
            let raw = try SQLiteDatabase(path: path, mode: .readWrite, busyTimeoutMilliseconds: 1_000)
            try raw.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'from_the_future')")
        }
        let expected = StoreError.newerSchema(path: path, found: 999, known: 3)
        #expect(throws: expected) { try SessionStore.open(at: path) }
        #expect(throws: expected) { try SessionStore.initialise(at: path) }
        #expect(throws: expected) { try SessionStoreReader(path: path) }
        #expect(expected.description.contains("schema version 999, newer than the 3"))
    }
}
