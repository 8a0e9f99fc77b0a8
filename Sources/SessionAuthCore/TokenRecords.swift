/// A token sessionctl issued, as the store keeps it: who it is for and until when, never the token.
/// The plugin loads only operator tokens (no session): their rules live here, not in the token.
public struct IssuedToken: Equatable, Sendable {
    public let tokenID: String
    /// Nil for an operator token (`sessionctl token --global`), which belongs to no session.
    public let sessionID: String?
    public let device: String
    public let role: String
    public let issuedAt: Int64
    public let expiresAt: Int64
    /// An operator token's rules: absolute topic filters (no session root), `%u %c %r` placeholders.
    public let rules: [ProfileRule]
    public let label: String?
    public let revision: Int64

    public init(
        tokenID: String, sessionID: String?, device: String, role: String, issuedAt: Int64, expiresAt: Int64,
        rules: [ProfileRule] = [], label: String? = nil, revision: Int64 = 0
    ) {
        self.tokenID = tokenID
        self.sessionID = sessionID
        self.device = device
        self.role = role
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.rules = rules
        self.label = label
        self.revision = revision
    }

    public var isOperatorToken: Bool { sessionID == nil }

    /// The name operator-token rules carry in logs and `sessionctl check` (they belong to no profile).
    public static func rulesName(tokenID: String) -> String { "operator token \(tokenID)" }
}

/// `sessionctl revoke --jti`: that token stops working, whoever issued it.
public struct TokenRevocation: Equatable, Sendable {
    public let tokenID: String
    public let revokedAt: Int64
    public let revision: Int64

    public init(tokenID: String, revokedAt: Int64, revision: Int64 = 0) {
        self.tokenID = tokenID
        self.revokedAt = revokedAt
        self.revision = revision
    }
}

/// `sessionctl revoke SESSION --device NAME`: every token of that device in that session issued at or
/// before `revokedAt` stops working (tokens issued afterwards work: the device was let back in).
public struct DeviceRevocation: Equatable, Sendable {
    public let sessionID: String
    public let device: String
    public let revokedAt: Int64
    public let revision: Int64

    public init(sessionID: String, device: String, revokedAt: Int64, revision: Int64 = 0) {
        self.sessionID = sessionID
        self.device = device
        self.revokedAt = revokedAt
        self.revision = revision
    }

    /// Names compared as bytes (`String` keys would compare by canonical equivalence).
    public struct Key: Hashable, Sendable {
        let sessionID: [UInt8]
        let device: [UInt8]

        public init(sessionID: String, device: String) {
            self.sessionID = Array(sessionID.utf8)
            self.device = Array(device.utf8)
        }
    }
}
