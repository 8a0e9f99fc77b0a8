/// Why the store cannot be used. Each description is one line naming what is wrong and what to do.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case missing(path: String)
    case notAStore(path: String)
    case newerSchema(path: String, found: Int64, known: Int64)
    case sqlite(path: String, SQLiteError)

    public var description: String {
        switch self {
        case .missing(let path):
            return "no store at \(path); create it with 'sessionctl init --db \(path)'"
        case .notAStore(let path):
            return "\(path) is not a session store (no schema); create one with 'sessionctl init'"
        case .newerSchema(let path, let found, let known):
            return "\(path) has schema version \(found), newer than the \(known) this version understands; "
                + "upgrade the plugin and sessionctl together"
        case .sqlite(let path, let error):
            return "store \(path): \(error)"
        }
    }

    static func wrap(_ path: String, _ error: any Error) -> StoreError {
        if let storeError = error as? StoreError { return storeError }
        if let sqliteError = error as? SQLiteError {
            // SQLITE_NOTADB: the file exists but is not a database.
            if sqliteError.code & 0xff == 26 { return .notAStore(path: path) }
            return .sqlite(path: path, sqliteError)
        }
        return .sqlite(path: path, SQLiteError(code: -1, message: "\(error)"))
    }
}
