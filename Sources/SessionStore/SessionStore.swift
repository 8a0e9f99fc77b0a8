import SessionAuthCore

#if canImport(Glibc)
    import Glibc
#endif

/// The store as sessionctl sees it: the only writer. Opens read-write, migrates, writes in
/// `BEGIN IMMEDIATE` transactions with a busy timeout so parallel sessionctl runs all succeed.
public final class SessionStore {
    /// How long a writer waits for another sessionctl holding the lock.
    static let busyTimeoutMilliseconds: Int32 = 10_000

    let database: SQLiteDatabase
    public var path: String { database.path }

    private init(database: SQLiteDatabase) {
        self.database = database
    }

    /// Creates the store (or brings an existing one up to date): WAL mode, schema, built-in profiles.
    public static func initialise(at path: String) throws(StoreError) -> SessionStore {
        do {
            let database = try SQLiteDatabase(
                path: path, mode: .readWriteCreate, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            // WAL lets the broker read while sessionctl writes; the mode is stored in the file.
            try database.execute("PRAGMA journal_mode = WAL")
            try checkNotNewer(database, path: path)
            try StoreSchema.migrate(database)
            return SessionStore(database: database)
        } catch {
            throw StoreError.wrap(path, error)
        }
    }

    /// Opens an existing store; refuses a missing file or one that was never initialised.
    public static func open(at path: String) throws(StoreError) -> SessionStore {
        guard access(path, F_OK) == 0 else { throw .missing(path: path) }
        do {
            let database = try SQLiteDatabase(
                path: path, mode: .readWrite, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            guard try StoreSchema.appliedVersion(database) != nil else { throw StoreError.notAStore(path: path) }
            try checkNotNewer(database, path: path)
            try StoreSchema.migrate(database)
            return SessionStore(database: database)
        } catch {
            throw StoreError.wrap(path, error)
        }
    }

    static func checkNotNewer(_ database: SQLiteDatabase, path: String) throws {
        if let applied = try StoreSchema.appliedVersion(database), applied > StoreSchema.latestVersion {
            throw StoreError.newerSchema(path: path, found: applied, known: StoreSchema.latestVersion)
        }
    }

    public var schemaVersion: Int64 {
        get throws(StoreError) {
            do { return try StoreSchema.appliedVersion(database) ?? 0 } catch { throw StoreError.wrap(path, error) }
        }
    }

    // MARK: Sessions

    public enum InsertOutcome: Equatable, Sendable {
        case inserted
        case idTaken
    }

    public func insertSession(
        id: String, pinHash: PinHash, type: String, label: String?, createdAt: Int64, expiresAt: Int64?
    ) throws(StoreError) -> InsertOutcome {
        do {
            return try database.writeTransaction {
                let existing = try database.prepare("SELECT 1 FROM sessions WHERE id = ?")
                try existing.bind([.text(id)])
                if try existing.step() { return InsertOutcome.idTaken }
                let revision = try nextRevision()
                let insert = try database.prepare(
                    "INSERT INTO sessions (\(SessionRow.columns)) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)")
                try insert.bind([
                    .text(id), .text(pinHash.stored), .text(type), label.map { .text($0) } ?? .null,
                    .integer(createdAt), expiresAt.map { .integer($0) } ?? .null, .integer(revision),
                ])
                _ = try insert.step()
                return .inserted
            }
        } catch {
            throw StoreError.wrap(path, error)
        }
    }

    public func sessions() throws(StoreError) -> [SessionRecord] {
        do {
            return try SessionRow.records(
                database.prepare("SELECT \(SessionRow.columns) FROM sessions ORDER BY created_at, id"))
        } catch {
            throw StoreError.wrap(path, error)
        }
    }

    public func session(id: String) throws(StoreError) -> SessionRecord? {
        do {
            let query = try database.prepare("SELECT \(SessionRow.columns) FROM sessions WHERE id = ?")
            try query.bind([.text(id)])
            return try SessionRow.records(query).first
        } catch {
            throw StoreError.wrap(path, error)
        }
    }

    public enum CloseOutcome: Equatable, Sendable {
        case closed(SessionRecord)
        case alreadyClosed(SessionRecord)
        case notFound
    }

    public func closeSession(id: String, at now: Int64) throws(StoreError) -> CloseOutcome {
        do {
            return try database.writeTransaction {
                let query = try database.prepare("SELECT \(SessionRow.columns) FROM sessions WHERE id = ?")
                try query.bind([.text(id)])
                guard let existing = try SessionRow.records(query).first else { return CloseOutcome.notFound }
                if existing.closedAt != nil { return .alreadyClosed(existing) }
                let revision = try nextRevision()
                let update = try database.prepare("UPDATE sessions SET closed_at = ?, revision = ? WHERE id = ?")
                try update.bind([.integer(now), .integer(revision), .text(id)])
                _ = try update.step()
                try query.bind([.text(id)])
                return .closed(try SessionRow.records(query).first ?? existing)
            }
        } catch {
            throw StoreError.wrap(path, error)
        }
    }

    // MARK: Profiles

    public func profileNames() throws(StoreError) -> [String] {
        do {
            let query = try database.prepare("SELECT name FROM profiles ORDER BY name")
            var names: [String] = []
            while try query.step() { names.append(query.text(0)) }
            return names
        } catch {
            throw StoreError.wrap(path, error)
        }
    }

    /// Bumps the store-wide change counter; call inside a write transaction.
    private func nextRevision() throws(SQLiteError) -> Int64 {
        guard
            let value = try database.integer("UPDATE store_revision SET value = value + 1 WHERE id = 1 RETURNING value")
        else { throw SQLiteError(code: -1, message: "store_revision row is missing") }
        return value
    }
}
