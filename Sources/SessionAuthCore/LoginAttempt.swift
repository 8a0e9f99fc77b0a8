/// What a client sent at CONNECT, as raw bytes: names are checked byte by byte before any use.
public struct LoginAttempt: Sendable {
    public let username: [UInt8]?
    public let password: [UInt8]?
    public let clientID: [UInt8]

    public init(username: [UInt8]?, password: [UInt8]?, clientID: [UInt8]) {
        self.username = username
        self.password = password
        self.clientID = clientID
    }
}
