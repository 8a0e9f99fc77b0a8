/// What the login policy needs of a token verifier: signature, algorithm and time checks, done by
/// SessionAuthCrypto's `TokenVerifier` with the system OpenSSL. A protocol so the core stays free of C.
public protocol TokenVerifying: Sendable {
    /// The claims of `token` if it is well formed, signed by a configured key and valid at `now`.
    func verify(_ token: [UInt8], now: Int64) -> Result<TokenClaims, TokenError>
}
