/// What a token login adds to a connection: which token it was (for revocation), when it stops,
/// and the `publ` / `subs` claims that narrow the rules.
public struct TokenGrant: Equatable, Sendable {
    public let tokenID: String
    public let issuedAt: Int64?
    /// The token's `exp`.
    public let expiresAt: Int64
    /// When the connection must end because of the token (`exp` plus the leeway), or nil when
    /// `disconnect_on_expiry` is false and an expired token only stops new logins.
    public let disconnectAt: Int64?
    /// The `publ` claim as filters: a PUBLISH must also match one. Nil when the claim was absent.
    public let publishFilters: [TopicFilter]?
    /// The `subs` claim as filters: a SUBSCRIBE must be covered by one, a delivery match one.
    public let subscribeFilters: [TopicFilter]?
    public let isOperator: Bool

    public init(
        tokenID: String, issuedAt: Int64?, expiresAt: Int64, disconnectAt: Int64?,
        publishFilters: [TopicFilter]? = nil, subscribeFilters: [TopicFilter]? = nil, isOperator: Bool = false
    ) {
        self.tokenID = tokenID
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.disconnectAt = disconnectAt
        self.publishFilters = publishFilters
        self.subscribeFilters = subscribeFilters
        self.isOperator = isOperator
    }

    /// The claim's filters; an entry that is not a valid filter is dropped, which can only narrow
    /// further (an all-invalid list allows nothing, as the issuer listed nothing usable).
    public static func filters(_ claim: [String]?) -> [TopicFilter]? {
        claim.map { $0.compactMap { TopicFilter($0) } }
    }
}
