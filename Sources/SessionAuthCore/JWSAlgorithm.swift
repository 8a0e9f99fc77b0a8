/// The JWS algorithms the plugin can verify (RFC 7518 §3, RFC 8037 for EdDSA). `none` is not one of
/// them in any spelling: a name outside this list is refused before anything else is looked at.
public enum JWSAlgorithm: String, Sendable, Equatable, Hashable, CaseIterable {
    case es256 = "ES256"
    case es384 = "ES384"
    case edDSA = "EdDSA"
    case rs256 = "RS256"
    case rs384 = "RS384"
    case rs512 = "RS512"
    case ps256 = "PS256"
    case ps384 = "PS384"
    case ps512 = "PS512"
    case hs256 = "HS256"
    case hs384 = "HS384"
    case hs512 = "HS512"

    /// The key family an algorithm needs: a key of another family never verifies it (no RS/HS confusion).
    public enum KeyFamily: Sendable, Equatable {
        case ecP256, ecP384, ed25519, rsa, hmac
    }

    public var keyFamily: KeyFamily {
        switch self {
        case .es256: return .ecP256
        case .es384: return .ecP384
        case .edDSA: return .ed25519
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: return .rsa
        case .hs256, .hs384, .hs512: return .hmac
        }
    }

    /// `allCases` once: it builds a new array on every call, and every token's `alg` is looked up here.
    private static let every = allCases

    /// Parses the header's `alg`, compared as bytes: "none", "None", "hs256" and the like are nil.
    public init?(headerValue: String) {
        // Not `init(rawValue:)`: String equality is Unicode canonical equivalence, and a name is bytes.
        guard let match = Self.every.first(where: { $0.rawValue.hasSameBytes(as: headerValue) }) else {
            return nil
        }
        self = match
    }
}
