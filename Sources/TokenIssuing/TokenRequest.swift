/// The claims of a token to issue (SPEC §2): the device, its session and role, the validity window,
/// and optionally the issuer, audience and the topic lists (`publ`/`subs`) that narrow the session's rules.
public struct TokenRequest: Equatable, Sendable {
    /// `sub`: the device name, which the client must send as its username. For a token without a
    /// device name it is the session id ("session id as username").
    public var subject: String
    /// `sid`: nil for a global operator token, which belongs to no session.
    public var sessionID: String?
    public var role: String
    /// `iat` and `exp`, seconds since the epoch; `exp` must be later than `iat`.
    public var issuedAt: Int64
    public var expiresAt: Int64
    /// `jti`: what revocation names; `TokenIssuer.newTokenID()` makes one.
    public var tokenID: String
    public var notBefore: Int64?
    public var issuer: String?
    /// `aud`, written as one string (RFC 7519 §4.1.3), which is what the plugin compares with its option.
    public var audience: String?
    /// `publ` and `subs`: absolute MQTT topic filters. They can only narrow what the session allows.
    public var publish: [String]?
    public var subscribe: [String]?

    public init(
        subject: String, sessionID: String? = nil, role: String, issuedAt: Int64, expiresAt: Int64,
        tokenID: String, notBefore: Int64? = nil, issuer: String? = nil, audience: String? = nil,
        publish: [String]? = nil, subscribe: [String]? = nil
    ) {
        self.subject = subject
        self.sessionID = sessionID
        self.role = role
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.tokenID = tokenID
        self.notBefore = notBefore
        self.issuer = issuer
        self.audience = audience
        self.publish = publish
        self.subscribe = subscribe
    }
}
