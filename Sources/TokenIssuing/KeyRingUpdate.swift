/// What a change to a keys directory did.
public struct KeyRingUpdate: Sendable {
    /// The key generated, rotated in or retired.
    public let key: KeyRecord
    /// The signing key after the change (another key when the active one was retired).
    public let activeKey: KeyRecord?
    /// Set when jwks.json now holds an HMAC secret (see `PublicKeySet.warning`).
    public let warning: String?
}
