/// Optional binding of the client id to the username (option `clientid_policy`).
public enum ClientIDPolicy: String, Sendable, Equatable, CaseIterable {
    /// Any client id that passes the identity alphabet.
    case any
    /// The client id must equal the username.
    case username
    /// The client id must start with `<username>-`.
    case prefix

    public func allows(clientID: [UInt8], username: [UInt8]) -> Bool {
        switch self {
        case .any: return true
        case .username: return clientID == username
        case .prefix: return clientID.starts(with: username + [UInt8(ascii: "-")])
        }
    }
}
