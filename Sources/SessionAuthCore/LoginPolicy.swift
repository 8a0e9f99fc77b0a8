/// Decides a CONNECT from the credentials and the snapshot: pure, so every refusal is unit-tested.
public struct LoginPolicy: Sendable {
    public static let deviceRole = "device"

    public let identityRules: IdentityRules
    public let topicRoot: TopicRootTemplate
    public let pinLoginEnabled: Bool
    public let clientIDPolicy: ClientIDPolicy
    /// Seconds past a token's `exp` it is still accepted (`jwt_leeway`); a connection ends then too.
    public let tokenLeeway: Int64
    /// Whether a connection ends when its token expires (`disconnect_on_expiry`).
    public let disconnectOnExpiry: Bool

    public init(options: PluginOptions) {
        self.init(
            identityRules: IdentityRules(maxLength: options.maxIdentityLength), topicRoot: options.topicRoot,
            pinLoginEnabled: options.pinLogin, clientIDPolicy: options.clientIDPolicy,
            tokenLeeway: options.jwtLeeway, disconnectOnExpiry: options.disconnectOnExpiry)
    }

    public init(
        identityRules: IdentityRules = IdentityRules(), topicRoot: TopicRootTemplate = .default,
        pinLoginEnabled: Bool = true, clientIDPolicy: ClientIDPolicy = .any, tokenLeeway: Int64 = 0,
        disconnectOnExpiry: Bool = true
    ) {
        self.identityRules = identityRules
        self.topicRoot = topicRoot
        self.pinLoginEnabled = pinLoginEnabled
        self.clientIDPolicy = clientIDPolicy
        self.tokenLeeway = tokenLeeway
        self.disconnectOnExpiry = disconnectOnExpiry
    }

    /// - Parameters:
    ///   - tokens: the configured token verifier, nil when no `jwt_keys` are set.
    ///   - isPinLocked: whether pin login to a session is locked (`PinLockout`); checked before the
    ///     pin, so a locked session refuses the right pin too and a guesser learns nothing.
    public func authenticate(
        _ attempt: LoginAttempt, sessions: SessionSnapshot, now: Int64, digester: some PinDigester,
        tokens: (any TokenVerifying)? = nil, isPinLocked: (String) -> Bool = { _ in false }
    ) -> Result<AuthenticatedClient, LoginRefusal> {
        switch PresentedCredential.classify(attempt) {
        case .failure(let refusal):
            return .failure(refusal)
        case .success(.pin(let username, let credential)):
            return authenticatePin(
                username: username, credential: credential, attempt: attempt, sessions: sessions, now: now,
                digester: digester, isPinLocked: isPinLocked)
        case .success(.token(let token, let claimedUsername)):
            guard let tokens else { return .failure(.tokenLoginNotConfigured) }
            return authenticateToken(
                token, claimedUsername: claimedUsername, clientID: attempt.clientID, sessions: sessions, now: now,
                verifier: tokens)
        }
    }

    private func authenticatePin(
        username usernameBytes: [UInt8], credential: PinCredential, attempt: LoginAttempt, sessions: SessionSnapshot,
        now: Int64, digester: some PinDigester, isPinLocked: (String) -> Bool
    ) -> Result<AuthenticatedClient, LoginRefusal> {
        guard pinLoginEnabled else { return .failure(.pinLoginDisabled) }
        if let violation = identityRules.violation(in: usernameBytes) { return .failure(.badUsername(violation)) }
        if let violation = identityRules.violation(in: attempt.clientID) { return .failure(.badClientID(violation)) }
        if let violation = identityRules.violation(in: credential.sessionID) {
            return .failure(.badSessionID(violation))
        }
        // Past the identity check every name is ASCII, so these conversions are exact.
        let username = String(decoding: usernameBytes, as: UTF8.self)
        let clientID = String(decoding: attempt.clientID, as: UTF8.self)
        let sessionID = String(decoding: credential.sessionID, as: UTF8.self)
        guard clientIDPolicy.allows(clientID: attempt.clientID, username: usernameBytes) else {
            return .failure(.clientIDNotBound(clientIDPolicy))
        }
        guard let session = sessions[sessionID] else { return .failure(.unknownSession(sessionID)) }
        let status = session.status(at: now)
        guard status == .open else { return .failure(.sessionNotOpen(sessionID, status)) }
        guard !isPinLocked(sessionID) else { return .failure(.pinLoginLocked(sessionID)) }
        guard let pinHash = PinHash(stored: session.pinHash) else { return .failure(.unreadablePinHash(sessionID)) }
        guard pinHash.matches(pin: credential.pin, using: digester) else { return .failure(.wrongPin(sessionID)) }
        guard let profile = sessions.profiles[session.type] else {
            return .failure(.unknownProfile(session: sessionID, profile: session.type))
        }
        return .success(
            AuthenticatedClient(
                sessionID: sessionID, username: username, clientID: clientID, role: Self.deviceRole,
                topicRoot: topicRoot.root(forSession: sessionID), profile: profile, profileName: profile.name,
                expiresAt: session.expiresAt))
    }
}
