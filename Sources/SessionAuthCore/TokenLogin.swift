extension LoginPolicy {
    /// The role a session token without a `role` claim gets, as a pin login does.
    public static let defaultTokenRole = deviceRole

    /// Decides a token login: the verifier first (size, algorithm, key, signature, times, iss/aud),
    /// then the claims this plugin needs (SPEC §2): `jti`, `sub` equal to the username, names inside
    /// the identity alphabet, not revoked, and an open session (or an operator token in the store).
    func authenticateToken(
        _ token: [UInt8], claimedUsername: [UInt8]?, clientID clientIDBytes: [UInt8], sessions: SessionSnapshot,
        now: Int64, verifier: any TokenVerifying
    ) -> Result<AuthenticatedClient, LoginRefusal> {
        let claims: TokenClaims
        switch verifier.verify(token, now: now) {
        case .failure(let error): return .failure(.badToken(error))
        case .success(let verified): claims = verified
        }
        guard let tokenID = claims.tokenID else { return .failure(.tokenWithoutID) }
        guard let subject = claims.subject else { return .failure(.tokenWithoutSubject) }
        // The alphabet check comes before any use of the name: `sub` becomes %u in topic rules.
        if let violation = identityRules.violation(in: subject.utf8) { return .failure(.badTokenSubject(violation)) }
        if let claimedUsername, !claimedUsername.elementsEqual(subject.utf8) {
            return .failure(.usernameNotTokenSubject)
        }
        if let violation = identityRules.violation(in: clientIDBytes) { return .failure(.badClientID(violation)) }
        guard clientIDPolicy.allows(clientID: clientIDBytes, username: Array(subject.utf8)) else {
            return .failure(.clientIDNotBound(clientIDPolicy))
        }
        let role = claims.role ?? Self.defaultTokenRole
        if let violation = identityRules.violation(in: role.utf8) { return .failure(.badTokenRole(violation)) }
        guard !sessions.tokens.isRevoked(tokenID: tokenID) else { return .failure(.tokenRevoked(tokenID)) }
        let clientID = String(decoding: clientIDBytes, as: UTF8.self)

        guard let sessionID = claims.sessionID else {
            return operatorClient(
                claims, tokenID: tokenID, subject: subject, role: role, clientID: clientID, sessions: sessions)
        }
        if let violation = identityRules.violation(in: sessionID.utf8) { return .failure(.badSessionID(violation)) }
        guard let session = sessions[sessionID] else { return .failure(.unknownSession(sessionID)) }
        let status = session.status(at: now)
        guard status == .open else { return .failure(.sessionNotOpen(sessionID, status)) }
        if sessions.tokens.isDeviceRevoked(sessionID: sessionID, device: subject, issuedAt: claims.issuedAt) {
            return .failure(.deviceRevoked(session: sessionID, device: subject))
        }
        guard let profile = sessions.profiles[session.type] else {
            return .failure(.unknownProfile(session: sessionID, profile: session.type))
        }
        guard profile.hasRules(for: role) else {
            return .failure(.roleHasNoRules(profile: profile.name, role: role))
        }
        return .success(
            AuthenticatedClient(
                sessionID: sessionID, username: subject, clientID: clientID, role: role,
                topicRoot: topicRoot.root(forSession: sessionID), profile: profile, profileName: profile.name,
                expiresAt: session.expiresAt, token: grant(claims, tokenID: tokenID, isOperator: false)))
    }

    /// A token without `sid` reaches across sessions, so a signature alone is not enough: its jti must be
    /// an operator token sessionctl recorded, for the same `sub` and `role`, and its rules come from there.
    private func operatorClient(
        _ claims: TokenClaims, tokenID: String, subject: String, role: String, clientID: String,
        sessions: SessionSnapshot
    ) -> Result<AuthenticatedClient, LoginRefusal> {
        guard let record = sessions.tokens.operatorToken(tokenID) else {
            return .failure(.unknownOperatorToken(tokenID))
        }
        guard record.device.hasSameBytes(as: subject), record.role.hasSameBytes(as: role) else {
            return .failure(.operatorTokenMismatch(tokenID))
        }
        let name = IssuedToken.rulesName(tokenID: tokenID)
        // No session and no root: the rules are absolute. `$` topics stay unreachable (AccessPolicy).
        let rules = Profile(name: name, description: name, rules: record.rules)
        return .success(
            AuthenticatedClient(
                sessionID: "", username: subject, clientID: clientID, role: role, topicRoot: "", profile: rules,
                profileName: name, expiresAt: nil, token: grant(claims, tokenID: tokenID, isOperator: true)))
    }

    private func grant(_ claims: TokenClaims, tokenID: String, isOperator: Bool) -> TokenGrant {
        let (cutoff, overflow) = claims.expiresAt.addingReportingOverflow(tokenLeeway)
        return TokenGrant(
            tokenID: tokenID, issuedAt: claims.issuedAt, expiresAt: claims.expiresAt,
            disconnectAt: disconnectOnExpiry ? (overflow ? .max : cutoff) : nil,
            publishFilters: TokenGrant.filters(claims.publish), subscribeFilters: TokenGrant.filters(claims.subscribe),
            isOperator: isOperator)
    }
}
