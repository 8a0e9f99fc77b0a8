import SessionAuthCore

/// One key of a keys directory, as its manifest records it.
public struct KeyRecord: Equatable, Sendable {
    public let keyID: String
    public let algorithm: JWSAlgorithm
    /// Seconds since the epoch.
    public let createdAt: Int64
    /// The key new tokens are signed with; exactly one published key is active.
    public internal(set) var isActive: Bool
    /// When it was retired: its private key deleted and its public key no longer in jwks.json.
    public internal(set) var retiredAt: Int64?

    /// In jwks.json, so the tokens it signed verify.
    public var isPublished: Bool { retiredAt == nil }

    init(keyID: String, algorithm: JWSAlgorithm, createdAt: Int64, isActive: Bool, retiredAt: Int64?) {
        self.keyID = keyID
        self.algorithm = algorithm
        self.createdAt = createdAt
        self.isActive = isActive
        self.retiredAt = retiredAt
    }
}
