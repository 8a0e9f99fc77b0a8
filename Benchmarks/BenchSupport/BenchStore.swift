import SessionAuthCore
import SessionAuthCrypto
import SessionStore

/// Stores for the benchmarks, written the fast way: sessionctl takes one transaction per session, which
/// at 100,000 sessions is minutes of fsyncs; the plugin reads these rows exactly as it reads sessionctl's.
public enum BenchStore {
    /// Writes `count` open `telemetry` sessions `s0` … `s<count-1>` in one transaction. All share `pin`,
    /// so logins need no per-session secret: device i logs in with `s<i>:<pin>`.
    public static func fill(at path: String, count: Int, pin: String) throws {
        _ = try SessionStore.initialise(at: path)
        let hash = PinHash(
            pin: Array(pin.utf8), salt: Array(repeating: 9, count: PinHash.saltLength), using: OpenSSLDigester())
        let database = try SQLiteDatabase(path: path, mode: .readWrite, busyTimeoutMilliseconds: 5_000)
        try database.execute(
            """
            BEGIN IMMEDIATE;
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < \(count))
            INSERT INTO sessions (id, pin_hash, type, label, created_at, expires_at, closed_at, revision)
                SELECT 's' || i, '\(hash.stored)', 'telemetry', NULL, 1700000000, NULL, NULL,
                       (SELECT value FROM store_revision) + 1 FROM n;
            UPDATE store_revision SET value = value + 1;
            COMMIT;
            """)
    }
}
