import SessionAuthCore

/// A verification key as configured: the key, plus the one algorithm a JWKS entry's `alg` pins it to.
///
/// The restriction lives beside the key rather than in it because `VerificationKey` is immutable and
/// built by several constructors that know nothing of JWKS; RFC 7517 §4.4 makes `alg` a property of
/// the entry, and a key published for RS256 only must not verify PS256 or RS512 merely because it is
/// an RSA key. PEM keys carry no such member and are unrestricted.
public struct ConfiguredKey: Sendable {
    public let key: VerificationKey
    /// The only algorithm this key verifies, when the JWKS entry named one.
    public let algorithm: JWSAlgorithm?

    /// A key restricted to nothing beyond its own family.
    public init(_ key: VerificationKey) {
        self.key = key
        self.algorithm = nil
    }

    /// Nil when `key` could never verify `algorithm` (another family, or an HMAC secret too short).
    public init?(_ key: VerificationKey, algorithm: JWSAlgorithm?) {
        if let algorithm, !key.accepts(algorithm) { return nil }
        self.key = key
        self.algorithm = algorithm
    }

    public var keyID: String? { key.keyID }

    /// The key's own family rule, narrowed to the pinned algorithm when there is one.
    public func accepts(_ candidate: JWSAlgorithm) -> Bool {
        if let algorithm, algorithm != candidate { return false }
        return key.accepts(candidate)
    }
}
