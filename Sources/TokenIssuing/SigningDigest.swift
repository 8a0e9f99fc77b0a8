import COpenSSL
import SessionAuthCore

/// The hash a JWS algorithm signs with (RFC 7518 §3), as OpenSSL names and holds it.
enum SigningDigest {
    case sha256, sha384, sha512

    /// Nil for EdDSA: Ed25519 hashes the message itself (RFC 8032 §5.1.6).
    init?(_ algorithm: JWSAlgorithm) {
        switch algorithm {
        case .es256, .rs256, .ps256, .hs256: self = .sha256
        case .es384, .rs384, .ps384, .hs384: self = .sha384
        case .rs512, .ps512, .hs512: self = .sha512
        case .edDSA: return nil
        }
    }

    /// Bytes of output; also the HMAC secret length generated (RFC 7518 §3.2: at least this long)
    /// and the PSS salt length (RFC 7518 §3.5).
    var length: Int {
        switch self {
        case .sha256: return 32
        case .sha384: return 48
        case .sha512: return 64
        }
    }

    /// The name `EVP_Q_mac` takes for the HMAC's digest.
    var name: String {
        switch self {
        case .sha256: return "SHA256"
        case .sha384: return "SHA384"
        case .sha512: return "SHA512"
        }
    }

    /// OpenSSL's static `EVP_MD` (never freed).
    var messageDigest: OpaquePointer? {
        switch self {
        case .sha256: return EVP_sha256()
        case .sha384: return EVP_sha384()
        case .sha512: return EVP_sha512()
        }
    }
}
