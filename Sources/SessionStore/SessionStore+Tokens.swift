import SessionAuthCore

/// Issued tokens and revocations: what `sessionctl join`, `token` and `revoke` write.
extension SessionStore {
    /// Records a token sessionctl is about to print (its jti, owner and lifetime; never the token).
    public func recordIssuedToken(_ token: IssuedToken) throws(StoreError) {
        do {
            try database.writeTransaction {
                let revision = try nextRevision()
                let insert = try database.prepare(
                    "INSERT INTO tokens (\(TokenRows.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                try insert.bind([
                    .text(token.tokenID), token.sessionID.map { .text($0) } ?? .null, .text(token.device),
                    .text(token.role), .integer(token.issuedAt), .integer(token.expiresAt),
                    token.label.map { .text($0) } ?? .null, .integer(revision),
                ])
                _ = try insert.step()
                let rule = try database.prepare("INSERT INTO token_rules (jti, access, pattern) VALUES (?, ?, ?)")
                for each in token.rules {
                    try rule.bind([.text(token.tokenID), .text(each.access.rawValue), .text(each.pattern)])
                    _ = try rule.step()
                    rule.reset()
                }
            }
        } catch {
            throw StoreError.wrap(path, error)
        }
    }

    /// A recorded token and whether (since when) it is revoked, for `sessionctl tokens`.
    public struct TokenListing: Equatable, Sendable {
        public let token: IssuedToken
        public let revokedAt: Int64?
    }

    /// Recorded tokens, oldest first: of one session, or the operator tokens when `sessionID` is nil and
    /// `operatorOnly` holds, or all of them.
    public func issuedTokens(sessionID: String? = nil, operatorOnly: Bool = false) throws(StoreError) -> [TokenListing]
    {
        do {
            let tokens: [IssuedToken]
            if let sessionID {
                tokens = try TokenRows.tokens(database, where: "session_id = ?", [.text(sessionID)])
            } else if operatorOnly {
                tokens = try TokenRows.tokens(database, where: "session_id IS NULL", [])
            } else {
                tokens = try TokenRows.tokens(database, where: "1", [])
            }
            return try tokens.map { token in
                TokenListing(token: token, revokedAt: try revocationTime(of: token))
            }
        } catch {
            throw StoreError.wrap(path, error)
        }
    }

    /// When the token stopped working: its own revocation, or its device's covering its issue time.
    private func revocationTime(of token: IssuedToken) throws(SQLiteError) -> Int64? {
        let own = try database.prepare("SELECT revoked_at FROM revoked_tokens WHERE jti = ?")
        try own.bind([.text(token.tokenID)])
        if try own.step() { return own.int64(0) }
        guard let sessionID = token.sessionID else { return nil }
        let device = try database.prepare(
            "SELECT revoked_at FROM device_revocations WHERE session_id = ? AND device = ? AND revoked_at >= ?")
        try device.bind([.text(sessionID), .text(token.device), .integer(token.issuedAt)])
        return try device.step() ? device.int64(0) : nil
    }

    public enum RevokeOutcome: Equatable, Sendable {
        /// Revoked now; `known` says whether sessionctl had issued it (a foreign jti is revoked all the same).
        case revoked(known: Bool)
        case alreadyRevoked(at: Int64)
    }

    /// Revokes one token by its jti, whoever issued it.
    public func revokeToken(tokenID: String, at now: Int64) throws(StoreError) -> RevokeOutcome {
        do {
            return try database.writeTransaction {
                let existing = try database.prepare("SELECT revoked_at FROM revoked_tokens WHERE jti = ?")
                try existing.bind([.text(tokenID)])
                if try existing.step() { return RevokeOutcome.alreadyRevoked(at: existing.int64(0)) }
                let known = try database.prepare("SELECT 1 FROM tokens WHERE jti = ?")
                try known.bind([.text(tokenID)])
                let isKnown = try known.step()
                let insert = try database.prepare(
                    "INSERT INTO revoked_tokens (jti, revoked_at, revision) VALUES (?, ?, ?)")
                try insert.bind([.text(tokenID), .integer(now), .integer(try nextRevision())])
                _ = try insert.step()
                return .revoked(known: isKnown)
            }
        } catch {
            throw StoreError.wrap(path, error)
        }
    }

    /// When the device's tokens in the session were last revoked, if ever.
    public func deviceRevokedAt(sessionID: String, device: String) throws(StoreError) -> Int64? {
        do {
            let query = try database.prepare(
                "SELECT revoked_at FROM device_revocations WHERE session_id = ? AND device = ?")
            try query.bind([.text(sessionID), .text(device)])
            return try query.step() ? query.int64(0) : nil
        } catch {
            throw StoreError.wrap(path, error)
        }
    }

    public enum DeviceRevokeOutcome: Equatable, Sendable {
        /// Revoked; `recordedTokens` of the device's tokens were issued by sessionctl and still unexpired.
        case revoked(recordedTokens: Int)
        case noSuchSession
    }

    /// Revokes every token of `device` in `sessionID` issued up to `now` (later ones work again).
    public func revokeDevice(sessionID: String, device: String, at now: Int64) throws(StoreError)
        -> DeviceRevokeOutcome
    {
        do {
            return try database.writeTransaction {
                let session = try database.prepare("SELECT 1 FROM sessions WHERE id = ?")
                try session.bind([.text(sessionID)])
                guard try session.step() else { return DeviceRevokeOutcome.noSuchSession }
                let upsert = try database.prepare(
                    """
                    INSERT INTO device_revocations (session_id, device, revoked_at, revision) VALUES (?, ?, ?, ?)
                    ON CONFLICT (session_id, device) DO UPDATE SET revoked_at = excluded.revoked_at,
                        revision = excluded.revision
                    """)
                try upsert.bind([.text(sessionID), .text(device), .integer(now), .integer(try nextRevision())])
                _ = try upsert.step()
                let count = try database.prepare(
                    "SELECT count(*) FROM tokens WHERE session_id = ? AND device = ? AND expires_at > ?")
                try count.bind([.text(sessionID), .text(device), .integer(now)])
                _ = try count.step()
                return .revoked(recordedTokens: Int(count.int64(0)))
            }
        } catch {
            throw StoreError.wrap(path, error)
        }
    }
}
