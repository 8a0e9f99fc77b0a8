import Foundation
import SessionAuthCore
import SessionAuthCrypto
import SessionStore

/// A fresh folder per test, removed when the test ends (call `remove()` in a `defer`).
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("session-store-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    }

    /// The path of a file inside the folder (not created).
    func path(_ name: String = "sessions.db") -> String {
        url.appendingPathComponent(name).path
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

enum StoreFixtures {
    static let now: Int64 = 1_700_000_000
    static let salt: [UInt8] = Array(100..<116)

    static func pinHash(_ pin: String = "123456") -> PinHash {
        PinHash(pin: Array(pin.utf8), salt: salt, using: OpenSSLDigester())
    }

    /// The store revision the migrations use up (migration 2 stamps the built-in profiles): the first
    /// session written gets `baseRevision + 1`.
    static let baseRevision: Int64 = 1

    /// Inserts an open session with no expiry and the given pin.
    @discardableResult
    static func insert(_ store: SessionStore, id: String, pin: String = "123456", label: String? = nil)
        throws -> SessionStore.InsertOutcome
    {
        try store.insertSession(
            id: id, pinHash: pinHash(pin), type: "open", label: label, createdAt: now, expiresAt: nil)
    }
}

extension SQLiteDatabase {
    /// Text result of a one-row, one-column query (`integer(_:)` covers the integer case).
    func text(_ sql: String, _ values: [SQLiteValue] = []) throws -> String? {
        let statement = try prepare(sql)
        try statement.bind(values)
        guard try statement.step() else { return nil }
        defer { statement.reset() }
        return statement.optionalText(0)
    }
}
