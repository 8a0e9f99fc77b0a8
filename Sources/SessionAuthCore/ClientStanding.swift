/// Why a connected client must go: checked at every store refresh and once a second, so closing,
/// expiry and revocation reach connections already let in.
public enum DisconnectReason: Equatable, Sendable, CustomStringConvertible {
    case sessionNotOpen(String, SessionStatus)
    case sessionGone(String)
    case tokenRevoked(String)
    case deviceRevoked
    case tokenExpired
    /// An operator token no longer in the store (the store was replaced or restored without it).
    case operatorTokenWithdrawn(String)

    public var description: String {
        switch self {
        case .sessionNotOpen(let id, let status): return "session '\(id)' is \(status.rawValue)"
        case .sessionGone(let id): return "session '\(id)' is no longer in the store"
        case .tokenRevoked(let id): return "its token \(TokenError.shown(id)) was revoked"
        case .deviceRevoked: return "its device's tokens were revoked"
        case .tokenExpired: return "its token expired"
        case .operatorTokenWithdrawn(let id): return "operator token \(TokenError.shown(id)) is no longer in the store"
        }
    }
}

public enum ClientStanding {
    /// The reason `client` may no longer stay connected at `now`, or nil while it may.
    public static func disconnectReason(_ client: AuthenticatedClient, sessions: SessionSnapshot, now: Int64)
        -> DisconnectReason?
    {
        if let token = client.token {
            if sessions.tokens.isRevoked(tokenID: token.tokenID) { return .tokenRevoked(token.tokenID) }
            if let cutoff = token.disconnectAt, now >= cutoff { return .tokenExpired }
            if token.isOperator {
                return sessions.tokens.operatorToken(token.tokenID) == nil
                    ? .operatorTokenWithdrawn(token.tokenID) : nil
            }
            if sessions.tokens.isDeviceRevoked(
                sessionID: client.sessionID, device: client.username, issuedAt: token.issuedAt)
            {
                return .deviceRevoked
            }
        }
        guard let session = sessions[client.sessionID] else { return .sessionGone(client.sessionID) }
        let status = session.status(at: now)
        return status == .open ? nil : .sessionNotOpen(client.sessionID, status)
    }
}
