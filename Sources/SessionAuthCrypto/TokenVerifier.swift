import SessionAuthCore

/// Verifies a compact JWS token against the configured keys and returns its claims.
///
/// The order is the point (RFC 8725 §3.1, §3.2): the size cap and header first; the algorithm against
/// the operator's allow-list, never the token's say-so; the key chosen by the configuration (the
/// header's `kid` is only a name to look up, never a path, URL or key); the signature; and only then
/// is the payload parsed, so no byte of unauthenticated claims reaches the JSON parser or the policy.
/// A token costs at most `maxCandidatesWithoutKeyID` signature checks, and one when it names its kid.
public struct TokenVerifier: Sendable {
    /// Without a kid every key that accepts the algorithm is tried. Past this many, the token is refused
    /// rather than checked against each: a set of many kid-less keys of one family should carry kids.
    public static let maxCandidatesWithoutKeyID = 8

    public let keys: [ConfiguredKey]
    public let allowedAlgorithms: Set<JWSAlgorithm>
    public let claims: ClaimsPolicy
    public let maxTokenLength: Int

    public init(
        keys: [ConfiguredKey], allowedAlgorithms: Set<JWSAlgorithm>, claims: ClaimsPolicy,
        maxTokenLength: Int = CompactJWS.defaultMaxLength
    ) {
        self.keys = keys
        self.allowedAlgorithms = allowedAlgorithms
        self.claims = claims
        self.maxTokenLength = maxTokenLength
    }

    /// Keys with no `alg` restriction (PEM keys, or keys built directly).
    public init(
        keys: [VerificationKey], allowedAlgorithms: Set<JWSAlgorithm>, claims: ClaimsPolicy,
        maxTokenLength: Int = CompactJWS.defaultMaxLength
    ) {
        self.init(
            keys: keys.map { ConfiguredKey($0) }, allowedAlgorithms: allowedAlgorithms, claims: claims,
            maxTokenLength: maxTokenLength)
    }

    /// The claims of `token` if it is well formed, allowed, signed by a configured key and valid at `now`
    /// (seconds since the epoch); else the first reason it is not.
    public func verify(_ token: some Collection<UInt8>, now: Int64) -> Result<TokenClaims, TokenError> {
        judge(CompactJWS.parse(token, maxLength: maxTokenLength), now: now)
    }

    /// Same as `verify(_:now:)` on bytes already in an array (the broker's path: no generic copy).
    public func verify(bytes token: [UInt8], now: Int64) -> Result<TokenClaims, TokenError> {
        judge(CompactJWS.parse(bytes: token, maxLength: maxTokenLength), now: now)
    }

    private func judge(_ parsed: Result<CompactJWS, TokenError>, now: Int64) -> Result<TokenClaims, TokenError> {
        let jws: CompactJWS
        switch parsed {
        case .failure(let error): return .failure(error)
        case .success(let parsed): jws = parsed
        }
        let algorithm = jws.header.algorithm
        guard allowedAlgorithms.contains(algorithm) else { return .failure(.algorithmNotAllowed(algorithm)) }

        let candidates: [ConfiguredKey]
        switch candidateKeys(algorithm, keyID: jws.header.keyID) {
        case .failure(let error): return .failure(error)
        case .success(let selected): candidates = selected
        }
        let signed = candidates.contains {
            SignatureVerifier.verify(algorithm, key: $0.key, signingInput: jws.signingInput, signature: jws.signature)
        }
        guard signed else { return .failure(.badSignature) }

        switch TokenClaims.parse(payload: jws.payload) {
        case .failure(let error): return .failure(error)
        case .success(let tokenClaims):
            if let refusal = claims.check(tokenClaims, now: now) { return .failure(refusal) }
            return .success(tokenClaims)
        }
    }

    /// The keys that may have signed a token of `algorithm`. With a kid, exactly the key of that kid
    /// (compared as bytes) and no other: a kid that matches nothing does not fall back to the kid-less
    /// keys, or naming a stale kid would reach keys the issuer did not mean.
    func candidateKeys(_ algorithm: JWSAlgorithm, keyID: String?) -> Result<[ConfiguredKey], TokenError> {
        if let keyID {
            let named = keys.filter { $0.keyID?.hasSameBytes(as: keyID) ?? false }
            guard let key = named.first else { return .failure(.unknownKeyID(keyID)) }
            // JWKSet refuses duplicate kids, but keys may come from several files: fail closed, not first-wins.
            guard named.count == 1 else { return .failure(.ambiguousKeyID(keyID)) }
            guard key.accepts(algorithm) else { return .failure(.keyRefusesAlgorithm(keyID: keyID, algorithm)) }
            return .success([key])
        }
        let usable = keys.filter { $0.accepts(algorithm) }
        guard !usable.isEmpty else { return .failure(.noKeyForAlgorithm(algorithm)) }
        guard usable.count <= Self.maxCandidatesWithoutKeyID else {
            return .failure(
                .tooManyCandidateKeys(algorithm, count: usable.count, limit: Self.maxCandidatesWithoutKeyID))
        }
        return .success(usable)
    }
}

extension TokenVerifier: TokenVerifying {
    public func verify(_ token: [UInt8], now: Int64) -> Result<TokenClaims, TokenError> {
        verify(bytes: token, now: now)
    }
}
