import SessionAuthCore

/// The one place that maps a `sessions` row to a `SessionRecord`, for the plugin and the CLI alike.
enum SessionRow {
    static let columns = "id, pin_hash, type, label, created_at, expires_at, closed_at, revision"

    static func record(from statement: SQLiteStatement) -> SessionRecord {
        SessionRecord(
            id: statement.text(0), pinHash: statement.text(1), type: statement.text(2),
            label: statement.optionalText(3), createdAt: statement.int64(4), expiresAt: statement.optionalInt64(5),
            closedAt: statement.optionalInt64(6), revision: statement.int64(7))
    }

    static func records(_ statement: SQLiteStatement) throws(SQLiteError) -> [SessionRecord] {
        var records: [SessionRecord] = []
        while try statement.step() { records.append(record(from: statement)) }
        return records
    }
}
