import SessionAuthCore

#if canImport(Glibc)
    import Glibc
#endif

/// The store as the plugin sees it: read-only, never waits on a lock (the broker loop must not
/// stall), and every read is one statement, so no read transaction is left open between ticks.
public final class SessionStoreReader {
    private let database: SQLiteDatabase
    private let changedSessions: SQLiteStatement
    public var path: String { database.path }

    public init(path: String) throws(StoreError) {
        guard access(path, F_OK) == 0 else { throw .missing(path: path) }
        do {
            database = try SQLiteDatabase(path: path, mode: .readOnly, busyTimeoutMilliseconds: 0)
            guard let applied = try StoreSchema.appliedVersion(database) else { throw StoreError.notAStore(path: path) }
            guard applied <= StoreSchema.latestVersion else {
                throw StoreError.newerSchema(path: path, found: applied, known: StoreSchema.latestVersion)
            }
            changedSessions = try database.prepare(
                "SELECT \(SessionRow.columns) FROM sessions WHERE revision > ? ORDER BY revision")
        } catch {
            throw StoreError.wrap(path, error)
        }
    }

    /// Changes whenever another connection commits to the file: a cheap check for "anything new?".
    public func dataVersion() throws(StoreError) -> Int64 {
        do { return try database.integer("PRAGMA data_version") ?? 0 } catch { throw StoreError.wrap(path, error) }
    }

    /// Sessions created or changed after `revision` (0 for all of them).
    public func sessions(changedAfter revision: Int64) throws(StoreError) -> [SessionRecord] {
        do {
            try changedSessions.bind([.integer(revision)])
            defer { changedSessions.reset() }
            return try SessionRow.records(changedSessions)
        } catch {
            throw StoreError.wrap(path, error)
        }
    }

    /// The store revision of the newest profile change: profiles are reloaded only when it moves.
    public func profilesRevision() throws(StoreError) -> Int64 {
        do { return try ProfileRows.revision(database) } catch { throw StoreError.wrap(path, error) }
    }

    /// Token revocations and operator tokens changed after the given revisions (each table keeps its own
    /// mark, see `TokenSnapshot`). A store not yet migrated to the token tables has none.
    public func tokenChanges(
        revocationsAfter: Int64, deviceRevocationsAfter: Int64, operatorTokensAfter: Int64
    ) throws(StoreError) -> TokenChanges {
        do {
            guard try (StoreSchema.appliedVersion(database) ?? 0) >= TokenRows.schemaVersion else {
                return TokenChanges()
            }
            return TokenChanges(
                revocations: try TokenRows.revocations(database, changedAfter: revocationsAfter),
                deviceRevocations: try TokenRows.deviceRevocations(database, changedAfter: deviceRevocationsAfter),
                operatorTokens: try TokenRows.tokens(
                    database, where: "session_id IS NULL AND revision > ?", [.integer(operatorTokensAfter)]))
        } catch {
            throw StoreError.wrap(path, error)
        }
    }

    public func profiles() throws(StoreError) -> [Profile] {
        do { return try ProfileRows.profiles(database) } catch { throw StoreError.wrap(path, error) }
    }
}

public struct TokenChanges: Sendable {
    public var revocations: [TokenRevocation] = []
    public var deviceRevocations: [DeviceRevocation] = []
    public var operatorTokens: [IssuedToken] = []

    public var isEmpty: Bool { revocations.isEmpty && deviceRevocations.isEmpty && operatorTokens.isEmpty }
}
