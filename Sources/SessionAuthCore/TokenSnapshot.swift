/// The token state the plugin decides from: revoked token ids, revoked devices, and the operator
/// tokens with their rules. Session tokens need no copy here: their claims carry everything else.
///
/// Each part keeps its own store revision, so a refresh that reads the tables with separate
/// statements never skips a row committed between two of them.
public struct TokenSnapshot: Sendable {
    /// Keyed by bytes: a jti is compared as the issuer wrote it, never with Unicode equivalence.
    private var revokedTokenIDs: Set<[UInt8]> = []
    private var deviceRevocations: [DeviceRevocation.Key: Int64] = [:]
    private var operatorTokens: [[UInt8]: IssuedToken] = [:]

    public private(set) var revocationsRevision: Int64 = 0
    public private(set) var deviceRevocationsRevision: Int64 = 0
    public private(set) var operatorTokensRevision: Int64 = 0

    public init() {}

    public init(
        revocations: [TokenRevocation] = [], deviceRevocations: [DeviceRevocation] = [],
        operatorTokens: [IssuedToken] = []
    ) {
        apply(revocations)
        apply(deviceRevocations)
        apply(operatorTokens)
    }

    public var revokedCount: Int { revokedTokenIDs.count }
    public var operatorTokenCount: Int { operatorTokens.count }

    public mutating func apply(_ revocations: [TokenRevocation]) {
        for revocation in revocations {
            revokedTokenIDs.insert(Array(revocation.tokenID.utf8))
            revocationsRevision = max(revocationsRevision, revocation.revision)
        }
    }

    /// A later revocation of the same device replaces the earlier one (its time only moves forward).
    public mutating func apply(_ revocations: [DeviceRevocation]) {
        for revocation in revocations {
            let key = DeviceRevocation.Key(sessionID: revocation.sessionID, device: revocation.device)
            deviceRevocations[key] = max(deviceRevocations[key] ?? .min, revocation.revokedAt)
            deviceRevocationsRevision = max(deviceRevocationsRevision, revocation.revision)
        }
    }

    /// Only operator tokens are kept; a session token handed in here is ignored.
    public mutating func apply(_ tokens: [IssuedToken]) {
        for token in tokens {
            operatorTokensRevision = max(operatorTokensRevision, token.revision)
            guard token.isOperatorToken else { continue }
            operatorTokens[Array(token.tokenID.utf8)] = token
        }
    }

    public func isRevoked(tokenID: String) -> Bool {
        revokedTokenIDs.contains(Array(tokenID.utf8))
    }

    /// True when the device's tokens were revoked at or after `issuedAt`. A token that does not say
    /// when it was issued cannot show it came after the revocation, so it counts as revoked.
    public func isDeviceRevoked(sessionID: String, device: String, issuedAt: Int64?) -> Bool {
        guard let revokedAt = deviceRevocations[DeviceRevocation.Key(sessionID: sessionID, device: device)] else {
            return false
        }
        guard let issuedAt else { return true }
        return issuedAt <= revokedAt
    }

    public func operatorToken(_ tokenID: String) -> IssuedToken? {
        operatorTokens[Array(tokenID.utf8)]
    }
}
