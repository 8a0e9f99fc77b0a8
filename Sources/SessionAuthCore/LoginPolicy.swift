/// Decides a CONNECT from the credentials and the snapshot: pure, so every refusal is unit-tested.
public struct LoginPolicy: Sendable {
    public static let deviceRole = "device"

    public let identityRules: IdentityRules
    public let topicRoot: TopicRootTemplate
    public let pinLoginEnabled: Bool
    public let clientIDPolicy: ClientIDPolicy

    public init(options: PluginOptions) {
        self.init(
            identityRules: IdentityRules(maxLength: options.maxIdentityLength), topicRoot: options.topicRoot,
            pinLoginEnabled: options.pinLogin, clientIDPolicy: options.clientIDPolicy)
    }

    public init(
        identityRules: IdentityRules = IdentityRules(), topicRoot: TopicRootTemplate = .default,
        pinLoginEnabled: Bool = true, clientIDPolicy: ClientIDPolicy = .any
    ) {
        self.identityRules = identityRules
        self.topicRoot = topicRoot
        self.pinLoginEnabled = pinLoginEnabled
        self.clientIDPolicy = clientIDPolicy
    }

    /// - Parameter isPinLocked: whether pin login to a session is locked (`PinLockout`); checked before
    ///   the pin, so a locked session refuses the right pin too and a guesser learns nothing.
    public func authenticate(
        _ attempt: LoginAttempt, sessions: SessionSnapshot, now: Int64, digester: some PinDigester,
        isPinLocked: (String) -> Bool = { _ in false }
    ) -> Result<AuthenticatedClient, LoginRefusal> {
        guard let usernameBytes = attempt.username else { return .failure(.missingUsername) }
        guard let password = attempt.password else { return .failure(.missingPassword) }
        guard let credential = PinCredential(password: password) else { return .failure(.unrecognisedPassword) }
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
