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
    public internal(set) var rules: ClientRules
    /// The session's `expires_at`: every decision checks it, so expiry is exact to the second without
    /// a lookup in the snapshot (closing is handled by evicting the connection from the registry).
    public internal(set) var expiresAt: Int64?

    public init(
        sessionID: String, username: String, clientID: String, role: String, topicRoot: String, rules: ClientRules,
        expiresAt: Int64? = nil
    ) {
        self.sessionID = sessionID
        self.username = username
        self.clientID = clientID
        self.role = role
        self.topicRoot = topicRoot
        self.rules = rules
        self.expiresAt = expiresAt
    }

    /// A connection with `profile`'s rules compiled for its identities.
    public convenience init(
        sessionID: String, username: String, clientID: String, role: String, topicRoot: String, profile: Profile?,
        profileName: String, expiresAt: Int64? = nil
    ) {
        self.init(
            sessionID: sessionID, username: username, clientID: clientID, role: role, topicRoot: topicRoot,
            rules: ClientRules.compile(
                profile, profileName: profileName, role: role, username: username, clientID: clientID,
                sessionID: sessionID, topicRoot: topicRoot),
            expiresAt: expiresAt)
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
            && lhs.expiresAt == rhs.expiresAt
    }
}
