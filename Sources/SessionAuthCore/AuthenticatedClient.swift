/// A connection the plugin let in, and everything an ACL check needs about it.
public struct AuthenticatedClient: Equatable, Sendable {
    public let sessionID: String
    public let username: String
    public let clientID: String
    public let role: String
    /// The session's topic root, expanded once at CONNECT.
    public let topicRoot: String
    /// The session profile's rules for this role, expanded for this connection.
    public internal(set) var rules: ClientRules

    public init(
        sessionID: String, username: String, clientID: String, role: String, topicRoot: String, rules: ClientRules
    ) {
        self.sessionID = sessionID
        self.username = username
        self.clientID = clientID
        self.role = role
        self.topicRoot = topicRoot
        self.rules = rules
    }

    /// A connection with `profile`'s rules compiled for its identities.
    public init(
        sessionID: String, username: String, clientID: String, role: String, topicRoot: String, profile: Profile?,
        profileName: String
    ) {
        self.init(
            sessionID: sessionID, username: username, clientID: clientID, role: role, topicRoot: topicRoot,
            rules: ClientRules.compile(
                profile, profileName: profileName, role: role, username: username, clientID: clientID,
                sessionID: sessionID, topicRoot: topicRoot))
    }

    /// Compiles `profile`'s rules for this connection's identities.
    public func compiledRules(from profile: Profile?, profileName: String) -> ClientRules {
        ClientRules.compile(
            profile, profileName: profileName, role: role, username: username, clientID: clientID,
            sessionID: sessionID, topicRoot: topicRoot)
    }
}
