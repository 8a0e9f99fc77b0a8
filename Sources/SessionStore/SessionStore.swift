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
            try database.execute("PRAGMA foreign_keys = ON")
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
            try database.execute("PRAGMA foreign_keys = ON")
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

    public func profiles() throws(StoreError) -> [Profile] {
        do { return try ProfileRows.profiles(database) } catch { throw StoreError.wrap(path, error) }
    }

    public func profileNames() throws(StoreError) -> [String] {
        try profiles().map(\.name)
    }

    public enum ProfileChange: Equatable, Sendable {
        case done
        /// The profile (or the rule) is already there: nothing changed.
        case alreadyPresent
        case noSuchProfile
        case noSuchRule
        /// Open sessions still use the profile.
        case inUse(sessions: Int)
    }

    public func createProfile(name: String, description: String) throws(StoreError) -> ProfileChange {
        try writeProfile { revision in
            let insert = try database.prepare(
                "INSERT INTO profiles (name, description, revision) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING")
            try insert.bind([.text(name), .text(description), .integer(revision)])
            _ = try insert.step()
            return database.changes == 1 ? .done : .alreadyPresent
        }
    }

    /// Deletes a profile and its rules; refused while an open session uses it.
    public func deleteProfile(name: String, now: Int64) throws(StoreError) -> ProfileChange {
        try writeProfile { revision in
            let users = try database.prepare(
                "SELECT count(*) FROM sessions WHERE type = ? AND closed_at IS NULL AND (expires_at IS NULL OR expires_at > ?)"
            )
            try users.bind([.text(name), .integer(now)])
            _ = try users.step()
            let open = users.int64(0)
            users.reset()
            if open > 0 { return .inUse(sessions: Int(open)) }
            let delete = try database.prepare("DELETE FROM profiles WHERE name = ?")
            try delete.bind([.text(name)])
            _ = try delete.step()
            guard database.changes == 1 else { return .noSuchProfile }
            // The surviving profiles' revision moves, so readers notice that one disappeared.
            try database.execute(
                "UPDATE profiles SET revision = \(revision) WHERE rowid = (SELECT max(rowid) FROM profiles)")
            return .done
        }
    }

    public func addRule(_ rule: ProfileRule) throws(StoreError) -> ProfileChange {
        try writeProfile { revision in
            guard try touchProfile(rule.profile, revision: revision) else { return .noSuchProfile }
            let insert = try database.prepare(
                "INSERT INTO profile_rules (profile, role, access, pattern) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
            try insert.bind([.text(rule.profile), .text(rule.role), .text(rule.access.rawValue), .text(rule.pattern)])
            _ = try insert.step()
            return database.changes == 1 ? .done : .alreadyPresent
        }
    }

    public func removeRule(_ rule: ProfileRule) throws(StoreError) -> ProfileChange {
        try writeProfile { revision in
            guard try touchProfile(rule.profile, revision: revision) else { return .noSuchProfile }
            let delete = try database.prepare(
                "DELETE FROM profile_rules WHERE profile = ? AND role = ? AND access = ? AND pattern = ?")
            try delete.bind([.text(rule.profile), .text(rule.role), .text(rule.access.rawValue), .text(rule.pattern)])
            _ = try delete.step()
            return database.changes == 1 ? .done : .noSuchRule
        }
    }

    /// Runs a profile change in one write transaction with a fresh revision; rolls back unless `.done`.
    private func writeProfile(_ change: (Int64) throws -> ProfileChange) throws(StoreError) -> ProfileChange {
        struct Unchanged: Error { let outcome: ProfileChange }
        do {
            return try database.writeTransaction {
                let outcome = try change(try nextRevision())
                // Roll back the revision bump too: readers must not reload for nothing.
                if outcome != .done { throw Unchanged(outcome: outcome) }
                return outcome
            }
        } catch let unchanged as Unchanged {
            return unchanged.outcome
        } catch {
            throw StoreError.wrap(path, error)
        }
    }

    /// Marks a profile changed at `revision`; false when there is no such profile.
    private func touchProfile(_ name: String, revision: Int64) throws -> Bool {
        let update = try database.prepare("UPDATE profiles SET revision = ? WHERE name = ?")
        try update.bind([.integer(revision), .text(name)])
        _ = try update.step()
        return database.changes == 1
    }

    /// Bumps the store-wide change counter; call inside a write transaction.
    func nextRevision() throws(SQLiteError) -> Int64 {
        guard
            let value = try database.integer("UPDATE store_revision SET value = value + 1 WHERE id = 1 RETURNING value")
        else { throw SQLiteError(code: -1, message: "store_revision row is missing") }
        return value
    }
}
