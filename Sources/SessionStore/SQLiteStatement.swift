import CSQLite

/// A prepared statement. Finalized on deinit, so a read transaction never outlives its statement.
public final class SQLiteStatement {
    private let statement: OpaquePointer
    private let database: SQLiteDatabase
    private let sql: String

    init(_ statement: OpaquePointer, database: SQLiteDatabase, sql: String) {
        self.statement = statement
        self.database = database
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(statement)
    }

    public func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(statement, index)
            case .integer(let number): rc = sqlite3_bind_int64(statement, index, number)
            case .text(let text): rc = session_store_bind_text(statement, index, text, -1)
            }
            guard rc == SQLITE_OK else { throw error(rc) }
        }
    }

    /// Advances to the next row; false when there is none.
    public func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(statement)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE:
            sqlite3_reset(statement)
            return false
        default:
            let failure = error(rc)
            sqlite3_reset(statement)
            throw failure
        }
    }

    /// Ends the statement's implicit read transaction before the rows run out.
    public func reset() {
        sqlite3_reset(statement)
    }

    public func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(statement, column) == SQLITE_NULL
    }

    public func int64(_ column: Int32) -> Int64 {
        sqlite3_column_int64(statement, column)
    }

    public func optionalInt64(_ column: Int32) -> Int64? {
        isNull(column) ? nil : int64(column)
    }

    public func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(statement, column) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    public func optionalText(_ column: Int32) -> String? {
        isNull(column) ? nil : text(column)
    }

    private func error(_ rc: Int32) -> SQLiteError {
        SQLiteError(code: database.lastErrorCode, message: database.lastErrorMessage, sql: sql)
    }
}

public enum SQLiteValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case text(String)
}
