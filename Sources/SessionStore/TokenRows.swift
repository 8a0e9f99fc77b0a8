import SessionAuthCore

/// The one place that maps the token tables to records, for the plugin and the CLI alike.
enum TokenRows {
    static let columns = "jti, session_id, device, role, issued_at, expires_at, label, revision"
    /// The migration that created the token tables: a store not yet migrated simply has no tokens.
    static let schemaVersion: Int64 = 3

    /// Tokens matching `condition` (an SQL expression over `tokens`), with their rules.
    static func tokens(_ database: SQLiteDatabase, where condition: String, _ values: [SQLiteValue])
        throws(SQLiteError) -> [IssuedToken]
    {
        let query = try database.prepare(
            "SELECT \(columns) FROM tokens WHERE \(condition) ORDER BY revision, issued_at, jti")
        try query.bind(values)
        var rows:
            [(
                jti: String, session: String?, device: String, role: String, issued: Int64, expires: Int64,
                label: String?, revision: Int64
            )] = []
        while try query.step() {
            rows.append(
                (
                    query.text(0), query.optionalText(1), query.text(2), query.text(3), query.int64(4), query.int64(5),
                    query.optionalText(6), query.int64(7)
                ))
        }
        let rulesQuery = try database.prepare("SELECT access, pattern FROM token_rules WHERE jti = ? ORDER BY id")
        var tokens: [IssuedToken] = []
        for row in rows {
            var rules: [ProfileRule] = []
            if row.session == nil {
                try rulesQuery.bind([.text(row.jti)])
                while try rulesQuery.step() {
                    // An access value this version does not know is read as deny: a newer writer may only narrow.
                    rules.append(
                        ProfileRule(
                            profile: IssuedToken.rulesName(tokenID: row.jti), role: row.role,
                            access: RuleAccess(rawValue: rulesQuery.text(0)) ?? .deny, pattern: rulesQuery.text(1)))
                }
                rulesQuery.reset()
            }
            tokens.append(
                IssuedToken(
                    tokenID: row.jti, sessionID: row.session, device: row.device, role: row.role, issuedAt: row.issued,
                    expiresAt: row.expires, rules: rules, label: row.label, revision: row.revision))
        }
        return tokens
    }

    static func revocations(_ database: SQLiteDatabase, changedAfter revision: Int64) throws(SQLiteError)
        -> [TokenRevocation]
    {
        let query = try database.prepare(
            "SELECT jti, revoked_at, revision FROM revoked_tokens WHERE revision > ? ORDER BY revision")
        try query.bind([.integer(revision)])
        var revocations: [TokenRevocation] = []
        while try query.step() {
            revocations.append(
                TokenRevocation(tokenID: query.text(0), revokedAt: query.int64(1), revision: query.int64(2)))
        }
        return revocations
    }

    static func deviceRevocations(_ database: SQLiteDatabase, changedAfter revision: Int64) throws(SQLiteError)
        -> [DeviceRevocation]
    {
        let query = try database.prepare(
            "SELECT session_id, device, revoked_at, revision FROM device_revocations WHERE revision > ? ORDER BY revision"
        )
        try query.bind([.integer(revision)])
        var revocations: [DeviceRevocation] = []
        while try query.step() {
            revocations.append(
                DeviceRevocation(
                    sessionID: query.text(0), device: query.text(1), revokedAt: query.int64(2), revision: query.int64(3)
                ))
        }
        return revocations
    }
}
