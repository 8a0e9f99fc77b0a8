import Foundation
import SessionAuthCore
import SessionStore
import Testing

@Suite struct SessionStoreReaderTests {
    @Test func changedAfterZeroReturnsEverySession() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SessionStore.initialise(at: dir.path())
        for id in ["a", "b", "c"] { try StoreFixtures.insert(store, id: id) }

        let reader = try SessionStoreReader(path: dir.path())
        #expect(reader.path == dir.path())
        let rows = try reader.sessions(changedAfter: 0)
        #expect(rows.map(\.id) == ["a", "b", "c"])
        #expect(rows.map(\.revision) == [1, 2, 3].map { StoreFixtures.baseRevision + $0 })
        #expect(rows == (try store.sessions()))
        #expect(try reader.sessions(changedAfter: StoreFixtures.baseRevision + 3).isEmpty)
        #expect(try reader.sessions(changedAfter: StoreFixtures.baseRevision + 2).map(\.id) == ["c"])
    }

    @Test func emptyStoreReadsNoSessions() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        do { _ = try SessionStore.initialise(at: dir.path()) }
        let reader = try SessionStoreReader(path: dir.path())
        #expect(try reader.sessions(changedAfter: 0).isEmpty)
    }

    @Test func afterACloseOnlyTheClosedRowIsNew() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SessionStore.initialise(at: dir.path())
        for id in ["a", "b", "c"] { try StoreFixtures.insert(store, id: id) }
        let reader = try SessionStoreReader(path: dir.path())
        var snapshot = SessionSnapshot(try reader.sessions(changedAfter: 0))
        let previous = snapshot.revision
        #expect(previous == StoreFixtures.baseRevision + 3)
        #expect(snapshot["b"]?.status(at: StoreFixtures.now) == .open)

        _ = try store.closeSession(id: "b", at: StoreFixtures.now)
        let changed = try reader.sessions(changedAfter: previous)
        #expect(changed.map(\.id) == ["b"])
        #expect(changed.first?.closedAt == StoreFixtures.now)
        #expect(changed.first?.revision == StoreFixtures.baseRevision + 4)

        snapshot.apply(changed)
        #expect(snapshot.revision == StoreFixtures.baseRevision + 4)
        #expect(snapshot["b"]?.status(at: StoreFixtures.now) == .closed)
        #expect(snapshot["a"]?.status(at: StoreFixtures.now) == .open)
        #expect(try reader.sessions(changedAfter: snapshot.revision).isEmpty)
    }

    @Test func dataVersionMovesOnlyWhenAnotherConnectionCommits() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SessionStore.initialise(at: dir.path())
        let reader = try SessionStoreReader(path: dir.path())

        let first = try reader.dataVersion()
        #expect(try reader.dataVersion() == first)
        _ = try reader.sessions(changedAfter: 0)
        #expect(try reader.dataVersion() == first)

        try StoreFixtures.insert(store, id: "s1")
        let second = try reader.dataVersion()
        #expect(second != first)
        #expect(try reader.dataVersion() == second)

        // A close is one more commit by the writer.
        _ = try store.closeSession(id: "s1", at: StoreFixtures.now)
        let third = try reader.dataVersion()
        #expect(third != second)
        #expect(try reader.dataVersion() == third)
    }

    @Test func readerOnAMissingPathThrowsMissing() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path("absent.db")
        #expect(throws: StoreError.missing(path: path)) { try SessionStoreReader(path: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
        let deep = dir.path("no/such/folder/sessions.db")
        #expect(throws: StoreError.missing(path: deep)) { try SessionStoreReader(path: deep) }
    }

    @Test func readerOnGarbageThrowsNotAStore() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path("garbage.db")
        try Data(repeating: 0x5a, count: 4096).write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.notAStore(path: path)) { try SessionStoreReader(path: path) }
    }

    @Test func readerOnAnUninitialisedSQLiteFileThrowsNotAStore() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path("other.db")
        do {
            let other = try SQLiteDatabase(path: path, mode: .readWriteCreate, busyTimeoutMilliseconds: 0)
            try other.execute("CREATE TABLE notes (body TEXT)")
        }
        #expect(throws: StoreError.notAStore(path: path)) { try SessionStoreReader(path: path) }
    }

    @Test func readerSeesSessionsWrittenAfterItOpened() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        do { _ = try SessionStore.initialise(at: dir.path()) }
        let reader = try SessionStoreReader(path: dir.path())
        #expect(try reader.sessions(changedAfter: 0).isEmpty)
        do {
            let writer = try SessionStore.open(at: dir.path())
            try StoreFixtures.insert(writer, id: "late")
        }
        #expect(try reader.sessions(changedAfter: 0).map(\.id) == ["late"])
    }
}
