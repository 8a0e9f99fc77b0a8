/// The sessions the plugin decides from: an in-memory copy of the store, so no decision touches SQLite.
public struct SessionSnapshot: Sendable {
    public private(set) var sessions: [String: SessionRecord] = [:]
    /// The highest store revision applied; the next load asks only for rows changed after it.
    public private(set) var revision: Int64 = 0

    public init() {}

    public init(_ records: [SessionRecord]) {
        apply(records)
    }

    public subscript(id: String) -> SessionRecord? { sessions[id] }

    public var count: Int { sessions.count }

    /// Applies rows read from the store; a row replaces any older copy of the same session.
    public mutating func apply(_ records: [SessionRecord]) {
        for record in records {
            sessions[record.id] = record
            revision = max(revision, record.revision)
        }
    }
}
