/// One session as the store keeps it; times are Unix seconds.
public struct SessionRecord: Equatable, Sendable {
    public let id: String
    public let pinHash: String
    public let type: String
    public let label: String?
    public let createdAt: Int64
    public let expiresAt: Int64?
    public let closedAt: Int64?
    public let revision: Int64

    public init(
        id: String, pinHash: String, type: String, label: String?, createdAt: Int64,
        expiresAt: Int64?, closedAt: Int64?, revision: Int64
    ) {
        self.id = id
        self.pinHash = pinHash
        self.type = type
        self.label = label
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.closedAt = closedAt
        self.revision = revision
    }

    /// An expired session behaves as closed from the second `expires_at` is reached.
    public func status(at now: Int64) -> SessionStatus {
        if closedAt != nil { return .closed }
        if let expiresAt, now >= expiresAt { return .expired }
        return .open
    }
}

public enum SessionStatus: String, Sendable, Equatable {
    case open, closed, expired
}
