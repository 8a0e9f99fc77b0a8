import COpenSSL
import SessionAuthCore

/// The hash an algorithm uses (RFC 7518 §3): SHA-256/384/512 by the number in its name. Shared by
/// verification and by sessionctl's signing (TokenIssuing), so both sides agree on it.
public enum JWSDigest: Sendable {
    case sha256, sha384, sha512

    /// nil for EdDSA, which hashes internally (Ed25519 takes the message itself).
    public init?(_ algorithm: JWSAlgorithm) {
        switch algorithm {
        case .es256, .rs256, .ps256, .hs256: self = .sha256
        case .es384, .rs384, .ps384, .hs384: self = .sha384
        case .rs512, .ps512, .hs512: self = .sha512
        case .edDSA: return nil
        }
    }

    /// Bytes of output; also the shortest HMAC secret (RFC 7518 §3.2) and the PSS salt (§3.5).
    public var outputLength: Int {
        switch self {
        case .sha256: return 32
        case .sha384: return 48
        case .sha512: return 64
        }
    }

    /// OpenSSL's static `EVP_MD` (not to be freed).
    public var messageDigest: OpaquePointer? {
        switch self {
        case .sha256: return EVP_sha256()
        case .sha384: return EVP_sha384()
        case .sha512: return EVP_sha512()
        }
    }

    /// The name `EVP_Q_mac` takes for the HMAC's digest.
    public var name: String {
        switch self {
        case .sha256: return "SHA256"
        case .sha384: return "SHA384"
        case .sha512: return "SHA512"
        }
    }
}
