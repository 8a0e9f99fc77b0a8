/// A connection the plugin let in, and everything an ACL check needs about it.
///
/// A class, not a struct: every PUBLISH and delivery looks the connection up, and handing out a
/// reference costs one retain where copying five strings and the compiled rules cost a dozen.
/// Only the broker's single thread touches it (`@unchecked Sendable` for the test harnesses).
public final class AuthenticatedClient: Equatable, @unchecked Sendable {
    public let sessionID: String
    public let username: String
    public let clientID: String
    public let role: String
    /// The session's topic root, expanded once at CONNECT.
    public let topicRoot: String
    /// The session profile's rules for this role, expanded for this connection.
    /// Read on every message; written only by the plugin's tick on the same thread (callbacks never run
    /// concurrently), so the runtime's exclusivity bookkeeping is skipped for it and for `expiresAt`.
    @exclusivity(unchecked) public internal(set) var rules: ClientRules {
        didSet { allowedTopics.clear() }
    }
    /// The topics this connection was last allowed to publish and to receive on, under `rules`.
    @usableFromInline @exclusivity(unchecked) var allowedTopics = AllowedTopicMemo()
    /// The session's `expires_at`, kept current from the store.
    public internal(set) var sessionExpiresAt: Int64? {
        didSet { expiresAt = Self.earliest(sessionExpiresAt, token?.disconnectAt) }
    }
    /// The first second at which this connection may do nothing more: its session's expiry, or its
    /// token's when `disconnect_on_expiry` holds. Every decision checks it, so expiry is exact to the
    /// second without a lookup in the snapshot (closing is handled by evicting the connection).
    @exclusivity(unchecked) public private(set) var expiresAt: Int64?
    /// How the client logged in with a token; nil for a pin login.
    public let token: TokenGrant?
    /// An operator token's connection (`sessionctl token --global`): no session, no root, its own rules.
    public var isOperator: Bool { token?.isOperator ?? false }

    public init(
        sessionID: String, username: String, clientID: String, role: String, topicRoot: String, rules: ClientRules,
        expiresAt: Int64? = nil, token: TokenGrant? = nil
    ) {
        self.sessionID = sessionID
        self.username = username
        self.clientID = clientID
        self.role = role
        self.topicRoot = topicRoot
        self.rules = rules
        self.token = token
        self.sessionExpiresAt = expiresAt
        self.expiresAt = Self.earliest(expiresAt, token?.disconnectAt)
    }

    private static func earliest(_ a: Int64?, _ b: Int64?) -> Int64? {
        switch (a, b) {
        case (let a?, let b?): return min(a, b)
        case (let a?, nil): return a
        case (nil, let b): return b
        }
    }

    /// A connection with `profile`'s rules compiled for its identities.
    public convenience init(
        sessionID: String, username: String, clientID: String, role: String, topicRoot: String, profile: Profile?,
        profileName: String, expiresAt: Int64? = nil, token: TokenGrant? = nil
    ) {
        self.init(
            sessionID: sessionID, username: username, clientID: clientID, role: role, topicRoot: topicRoot,
            rules: ClientRules.compile(
                profile, profileName: profileName, role: role, username: username, clientID: clientID,
                sessionID: sessionID, topicRoot: topicRoot),
            expiresAt: expiresAt, token: token)
    }

    /// Compiles `profile`'s rules for this connection's identities.
    public func compiledRules(from profile: Profile?, profileName: String) -> ClientRules {
        ClientRules.compile(
            profile, profileName: profileName, role: role, username: username, clientID: clientID,
            sessionID: sessionID, topicRoot: topicRoot)
    }

    public static func == (lhs: AuthenticatedClient, rhs: AuthenticatedClient) -> Bool {
        lhs.sessionID == rhs.sessionID && lhs.username == rhs.username && lhs.clientID == rhs.clientID
            && lhs.role == rhs.role && lhs.topicRoot == rhs.topicRoot && lhs.rules == rhs.rules
            && lhs.expiresAt == rhs.expiresAt && lhs.token == rhs.token
    }
}
