/// The time, issuer and audience checks every token passes after its signature (RFC 7519 §4.1.1–§4.1.5).
public struct ClaimsPolicy: Equatable, Sendable {
    /// Clock skew allowed between the issuer and the broker, in seconds.
    public let leeway: Int64
    /// When set, `iss` must be exactly this (bytes).
    public let issuer: String?
    /// When set, `aud` must contain exactly this (bytes).
    public let audience: String?

    /// Ten minutes: more would keep an expired token alive long enough to matter.
    public static let leewayRange: ClosedRange<Int64> = 0...600

    /// Nil when `leeway` is outside `leewayRange`.
    public init?(leeway: Int64 = 0, issuer: String? = nil, audience: String? = nil) {
        guard Self.leewayRange.contains(leeway) else { return nil }
        self.leeway = leeway
        self.issuer = issuer
        self.audience = audience
    }

    /// The first reason the claims are not acceptable at `now` (seconds since the epoch), or nil.
    public func check(_ claims: TokenClaims, now: Int64) -> TokenError? {
        // RFC 7519 §4.1.4: the token is valid only *before* exp. With the leeway, the last accepted
        // second is exp + leeway - 1; at now == exp + leeway it is expired. Saturating: an exp near
        // Int64.max simply never expires, rather than wrapping to the past or trapping.
        if now >= Self.saturatingAdd(claims.expiresAt, leeway) {
            return .expired(expiresAt: claims.expiresAt)
        }
        // RFC 7519 §4.1.5: valid from nbf on (inclusive), so refused while now + leeway < nbf.
        if let notBefore = claims.notBefore, Self.saturatingAdd(now, leeway) < notBefore {
            return .notYetValid(notBefore: notBefore)
        }
        // A token issued after now (beyond the skew) came from a wrong clock or was minted to outlive
        // its revocation; the same boundary as nbf.
        if let issuedAt = claims.issuedAt, Self.saturatingAdd(now, leeway) < issuedAt {
            return .issuedInFuture(issuedAt: issuedAt)
        }
        if let issuer {
            guard let actual = claims.issuer, actual.hasSameBytes(as: issuer) else {
                return .issuerMismatch(claims.issuer)
            }
        }
        if let audience {
            guard claims.audience.contains(where: { $0.hasSameBytes(as: audience) }) else {
                return .audienceMismatch
            }
        }
        return nil
    }

    private static func saturatingAdd(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        if overflow { return b > 0 ? .max : .min }
        return sum
    }
}
