import SessionAuthCore

/// The two curves of ES256 and ES384 (RFC 7518 §3.4), as OpenSSL and JWK name them.
enum ECSigningCurve {
    case p256, p384

    init?(_ family: JWSAlgorithm.KeyFamily) {
        switch family {
        case .ecP256: self = .p256
        case .ecP384: self = .p384
        case .ed25519, .rsa, .hmac: return nil
        }
    }

    /// The group name key generation asks OpenSSL for.
    var groupName: String {
        switch self {
        case .p256: return "P-256"
        case .p384: return "P-384"
        }
    }

    /// The names `EVP_PKEY_get_group_name` may report for the curve (OpenSSL gives its own or the NIST one).
    var acceptedGroupNames: [String] {
        switch self {
        case .p256: return ["prime256v1", "P-256", "secp256r1"]
        case .p384: return ["secp384r1", "P-384"]
        }
    }

    /// RFC 7518 §6.2.1.1.
    var jwkName: String { groupName }

    /// Bytes of a coordinate, and of each of r and s in a JWS signature (RFC 7518 §3.4).
    var fieldLength: Int {
        switch self {
        case .p256: return 32
        case .p384: return 48
        }
    }
}
