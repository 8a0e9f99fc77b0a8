/// The sessions and profiles the plugin decides from: an in-memory copy of the store, so no decision
/// touches SQLite.
public struct SessionSnapshot: Sendable {
    public private(set) var sessions: [String: SessionRecord] = [:]
    public private(set) var profiles: [String: Profile] = [:]
    /// The store revision of the newest profile change applied.
    public private(set) var profilesRevision: Int64 = 0
    /// The highest store revision applied; the next load asks only for rows changed after it.
    public private(set) var revision: Int64 = 0
    /// Revoked tokens and devices, and the operator tokens.
    public var tokens = TokenSnapshot()
    private var openCount = OpenSessionCount()

    public init() {}

    public init(_ records: [SessionRecord], profiles: [Profile] = [], tokens: TokenSnapshot = TokenSnapshot()) {
        apply(records)
        replaceProfiles(profiles, revision: 0)
        self.tokens = tokens
    }

    public subscript(id: String) -> SessionRecord? { sessions[id] }

    public var count: Int { sessions.count }

    /// Applies rows read from the store; a row replaces any older copy of the same session.
    public mutating func apply(_ records: [SessionRecord]) {
        for record in records {
            if let previous = sessions.updateValue(record, forKey: record.id) { openCount.remove(previous) }
            openCount.add(record)
            revision = max(revision, record.revision)
        }
    }

    /// How many sessions are open at `now` (seconds), without a pass over them (`OpenSessionCount`).
    public mutating func openSessions(at now: Int64) -> Int {
        openCount.open(at: now)
    }

    /// Profiles are few and small: they are always replaced whole.
    public mutating func replaceProfiles(_ newProfiles: [Profile], revision: Int64) {
        profiles = Dictionary(newProfiles.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        profilesRevision = revision
    }
}
