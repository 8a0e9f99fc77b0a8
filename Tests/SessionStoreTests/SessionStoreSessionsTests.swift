import Foundation
import SessionAuthCore
import SessionAuthCrypto
import SessionStore
import Testing

@Suite struct SessionStoreSessionsTests {
    @Test func insertThenReadBack() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SessionStore.initialise(at: dir.path())
        let hash = StoreFixtures.pinHash("482913")
        let outcome = try store.insertSession(
            id: "k3x9m2ab", pinHash: hash, type: "open", label: "demo room", createdAt: 1_700_000_000,
            expiresAt: 1_700_086_400)
        #expect(outcome == .inserted)
        #expect(
            try store.session(id: "k3x9m2ab")
                == SessionRecord(
                    id: "k3x9m2ab", pinHash: hash.stored, type: "open", label: "demo room", createdAt: 1_700_000_000,
                    expiresAt: 1_700_086_400, closedAt: nil, revision: StoreFixtures.baseRevision + 1))
    }

    @Test func nullLabelAndExpiryRoundTripAsNil() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SessionStore.initialise(at: dir.path())
        try StoreFixtures.insert(store, id: "s1")
        let record = try #require(try store.session(id: "s1"))
        #expect(record.label == nil)
        #expect(record.expiresAt == nil)
        #expect(record.closedAt == nil)
        #expect(record.status(at: StoreFixtures.now) == .open)
    }

    @Test func unknownIDReadsAsNil() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SessionStore.initialise(at: dir.path())
        try StoreFixtures.insert(store, id: "s1")
        #expect(try store.session(id: "s2") == nil)
        #expect(try store.session(id: "S1") == nil)
        #expect(try store.session(id: "s1' OR '1'='1") == nil)
    }

    @Test func eachWriteGetsTheNextRevision() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SessionStore.initialise(at: dir.path())
        try StoreFixtures.insert(store, id: "a")
        try StoreFixtures.insert(store, id: "b")
        try StoreFixtures.insert(store, id: "c")
        #expect(try store.sessions().map(\.revision) == [1, 2, 3].map { StoreFixtures.baseRevision + $0 })
        #expect(try store.sessions().map(\.id) == ["a", "b", "c"])
    }

    @Test func duplicateIDIsTakenAndTheFirstSessionIsUntouched() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SessionStore.initialise(at: dir.path())
        #expect(try StoreFixtures.insert(store, id: "s1", pin: "111111", label: "first") == .inserted)
        let before = try #require(try store.session(id: "s1"))
        #expect(try StoreFixtures.insert(store, id: "s1", pin: "222222", label: "second") == .idTaken)
        #expect(try store.session(id: "s1") == before)
        #expect(try store.sessions().count == 1)
        // A refused insert does not use up a revision.
        try StoreFixtures.insert(store, id: "s2")
        #expect(try store.session(id: "s2")?.revision == StoreFixtures.baseRevision + 2)
    }

    @Test func closeThenCloseAgainThenUnknown() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SessionStore.initialise(at: dir.path())
        try StoreFixtures.insert(store, id: "s1")
        try StoreFixtures.insert(store, id: "s2")
        let open = try #require(try store.session(id: "s1"))

        let closedAt = StoreFixtures.now + 60
        let closedRecord = SessionRecord(
            id: "s1", pinHash: open.pinHash, type: "open", label: nil, createdAt: open.createdAt, expiresAt: nil,
            closedAt: closedAt, revision: StoreFixtures.baseRevision + 3)
        #expect(try store.closeSession(id: "s1", at: closedAt) == .closed(closedRecord))
        #expect(try store.session(id: "s1") == closedRecord)
        #expect(closedRecord.status(at: closedAt) == .closed)

        // Closing again changes nothing, not even the time or the revision.
        #expect(try store.closeSession(id: "s1", at: closedAt + 100) == .alreadyClosed(closedRecord))
        #expect(try store.session(id: "s1") == closedRecord)

        #expect(try store.closeSession(id: "nope", at: closedAt) == .notFound)
        // The other session stays open.
        #expect(try store.session(id: "s2")?.closedAt == nil)
    }

    @Test func pinIsNotStoredInClear() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path()
        let pin = "482913"
        do {
            let store = try SessionStore.initialise(at: path)
            try StoreFixtures.insert(store, id: "s1", pin: pin)
        }
        let raw = try SQLiteDatabase(path: path, mode: .readOnly, busyTimeoutMilliseconds: 0)
        let stored = try #require(try raw.text("SELECT pin_hash FROM sessions WHERE id = ?", [.text("s1")]))
        #expect(stored != pin)
        #expect(!stored.contains(pin))
        #expect(stored.hasPrefix("sha256$"))
        let parsed = try #require(PinHash(stored: stored))
        #expect(parsed.matches(pin: Array(pin.utf8), using: OpenSSLDigester()))
        #expect(!parsed.matches(pin: Array("482914".utf8), using: OpenSSLDigester()))

        // Nor anywhere in the file (after the writer closed, everything is checkpointed into it).
        var files = try Data(contentsOf: URL(fileURLWithPath: path))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { files.append(wal) }
        #expect(files.range(of: Data(pin.utf8)) == nil)
        #expect(files.range(of: Data("s1".utf8)) != nil)  // the scan does see the row's text
    }

    @Test func parallelWritersAllSucceed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path()
        do { _ = try SessionStore.initialise(at: path) }
        let writers = 4
        let perWriter = 20
        let failures = FailureLog()
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            do {
                // One connection per writer, as separate sessionctl processes would have.
                let store = try SessionStore.open(at: path)
                for index in 0..<perWriter {
                    let outcome = try StoreFixtures.insert(store, id: "w\(writer)-\(index)")
                    if outcome != .inserted { failures.append("w\(writer)-\(index): \(outcome)") }
                }
            } catch {
                failures.append("writer \(writer): \(error)")
            }
        }
        #expect(failures.entries.isEmpty)
        let all = try SessionStore.open(at: path).sessions()
        #expect(all.count == writers * perWriter)
        #expect(
            all.map(\.revision).sorted()
                == Array((StoreFixtures.baseRevision + 1)...(StoreFixtures.baseRevision + Int64(writers * perWriter))))
    }
}

/// Collects errors from concurrent writers.
final class FailureLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []

    func append(_ item: String) {
        lock.lock()
        defer { lock.unlock() }
        items.append(item)
    }

    var entries: [String] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}
