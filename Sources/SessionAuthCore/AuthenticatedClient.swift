/// A connection the plugin let in, and everything an ACL check needs about it.
public struct AuthenticatedClient: Equatable, Sendable {
    public let sessionID: String
    public let username: String
    public let clientID: String
    public let role: String
    /// The session's topic root, expanded once at CONNECT.
    public let topicRoot: String

    public init(sessionID: String, username: String, clientID: String, role: String, topicRoot: String) {
        self.sessionID = sessionID
        self.username = username
        self.clientID = clientID
        self.role = role
        self.topicRoot = topicRoot
    }
}
