/// The store's schema: named, append-only migrations, each applied in one transaction by the writer
/// (sessionctl). Never edit a migration that has shipped; add the next one.
enum StoreSchema {
    struct Migration {
        let version: Int64
        let name: String
        let sql: String
    }

    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "create_sessions",
            sql: """
                CREATE TABLE sessions (
                    id TEXT PRIMARY KEY NOT NULL,
                    pin_hash TEXT NOT NULL,
                    type TEXT NOT NULL,
                    label TEXT,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER,
                    closed_at INTEGER,
                    -- store_revision.value when the row last changed: readers load only newer rows.
                    revision INTEGER NOT NULL
                ) STRICT;
                CREATE INDEX sessions_by_revision ON sessions(revision);
                CREATE TABLE store_revision (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    value INTEGER NOT NULL
                ) STRICT;
                INSERT INTO store_revision (id, value) VALUES (1, 0);
                CREATE TABLE profiles (
                    name TEXT PRIMARY KEY NOT NULL,
                    description TEXT NOT NULL
                ) STRICT;
                INSERT INTO profiles (name, description)
                    VALUES ('open', 'every member may read and write any topic inside the session');
                """),
        Migration(
            version: 2, name: "create_profile_rules",
            sql: """
                ALTER TABLE profiles ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE profile_rules (
                    id INTEGER PRIMARY KEY,
                    profile TEXT NOT NULL REFERENCES profiles(name) ON DELETE CASCADE,
                    role TEXT NOT NULL,
                    access TEXT NOT NULL CHECK (access IN ('read', 'write', 'readwrite', 'deny')),
                    -- a topic filter relative to the session's root, with %u %c %s %r placeholders
                    pattern TEXT NOT NULL,
                    UNIQUE (profile, role, access, pattern)
                ) STRICT;
                INSERT INTO profiles (name, description) VALUES ('telemetry',
                    'devices publish under dt/+/<device>/ and exchange commands under cmd/+/<device>/; '
                    || 'services read all telemetry and drive all commands; admins reach every topic');
                INSERT INTO profile_rules (profile, role, access, pattern) VALUES
                    ('open', 'device', 'readwrite', '#'),
                    ('telemetry', 'device', 'write', 'dt/+/%u/#'),
                    ('telemetry', 'device', 'readwrite', 'cmd/+/%u/#'),
                    ('telemetry', 'service', 'read', 'dt/#'),
                    ('telemetry', 'service', 'readwrite', 'cmd/#'),
                    ('telemetry', 'admin', 'readwrite', '#');
                UPDATE store_revision SET value = value + 1 WHERE id = 1;
                UPDATE profiles SET revision = (SELECT value FROM store_revision WHERE id = 1);
                """),
        Migration(
            version: 3, name: "create_tokens_and_revocations",
            sql: """
                -- Tokens sessionctl issued: who and until when, never the token itself.
                CREATE TABLE tokens (
                    jti TEXT PRIMARY KEY NOT NULL,
                    -- NULL for an operator token (sessionctl token --global), which has its own rules
                    session_id TEXT,
                    device TEXT NOT NULL,
                    role TEXT NOT NULL,
                    issued_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    label TEXT,
                    revision INTEGER NOT NULL
                ) STRICT;
                CREATE INDEX tokens_by_revision ON tokens(revision);
                CREATE INDEX tokens_by_session ON tokens(session_id, device);
                -- An operator token's rules: absolute topic filters with %u %c %r placeholders.
                CREATE TABLE token_rules (
                    id INTEGER PRIMARY KEY,
                    jti TEXT NOT NULL REFERENCES tokens(jti) ON DELETE CASCADE,
                    access TEXT NOT NULL CHECK (access IN ('read', 'write', 'readwrite', 'deny')),
                    pattern TEXT NOT NULL
                ) STRICT;
                -- Any jti, issued here or by another issuer whose key the plugin trusts.
                CREATE TABLE revoked_tokens (
                    jti TEXT PRIMARY KEY NOT NULL,
                    revoked_at INTEGER NOT NULL,
                    revision INTEGER NOT NULL
                ) STRICT;
                CREATE INDEX revoked_tokens_by_revision ON revoked_tokens(revision);
                -- Every token of the device in the session issued at or before revoked_at.
                CREATE TABLE device_revocations (
                    session_id TEXT NOT NULL,
                    device TEXT NOT NULL,
                    revoked_at INTEGER NOT NULL,
                    revision INTEGER NOT NULL,
                    PRIMARY KEY (session_id, device)
                ) STRICT;
                CREATE INDEX device_revocations_by_revision ON device_revocations(revision);
                """),
    ]

    static var latestVersion: Int64 { migrations.last?.version ?? 0 }

    static let createMigrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY NOT NULL,
            name TEXT NOT NULL
        ) STRICT
        """

    /// The highest migration applied to `database`, or nil when it is not a store at all.
    static func appliedVersion(_ database: SQLiteDatabase) throws(SQLiteError) -> Int64? {
        let hasTable = try database.integer(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
        guard hasTable == 1 else { return nil }
        return try database.integer("SELECT coalesce(max(version), 0) FROM schema_migrations") ?? 0
    }

    /// Applies every migration newer than the store's version, each in its own transaction.
    static func migrate(_ database: SQLiteDatabase) throws {
        try database.writeTransaction { try database.execute(createMigrationsTable) }
        for migration in migrations {
            try database.writeTransaction {
                // Re-read inside the write lock: a second sessionctl may have migrated meanwhile.
                let applied = try appliedVersion(database) ?? 0
                guard migration.version > applied else { return }
                try database.execute(migration.sql)
                let record = try database.prepare("INSERT INTO schema_migrations (version, name) VALUES (?, ?)")
                try record.bind([.integer(migration.version), .text(migration.name)])
                _ = try record.step()
            }
        }
    }
}
