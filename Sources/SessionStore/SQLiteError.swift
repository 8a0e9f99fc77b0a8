/// A failed SQLite call: the result code, SQLite's message and the statement, like GRDB's DatabaseError.
public struct SQLiteError: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: Int32
    public let message: String
    public let sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// SQLITE_BUSY / SQLITE_LOCKED: another process holds the lock; worth retrying later.
    public var isBusy: Bool { code & 0xff == 5 || code & 0xff == 6 }

    public var description: String {
        var text = "SQLite error \(code): \(message)"
        if let sql { text += " (while running: \(sql))" }
        return text
    }
}
