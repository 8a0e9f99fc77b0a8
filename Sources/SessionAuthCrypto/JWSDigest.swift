import COpenSSL
import SessionAuthCore

/// The hash an algorithm uses (RFC 7518 §3): SHA-256/384/512 by the number in its name.
enum JWSDigest {
    case sha256, sha384, sha512

    /// nil for EdDSA, which hashes internally (Ed25519 takes the message itself).
    init?(_ algorithm: JWSAlgorithm) {
        switch algorithm {
        case .es256, .rs256, .ps256, .hs256: self = .sha256
        case .es384, .rs384, .ps384, .hs384: self = .sha384
        case .rs512, .ps512, .hs512: self = .sha512
        case .edDSA: return nil
        }
    }

    var outputLength: Int {
        switch self {
        case .sha256: return 32
        case .sha384: return 48
        case .sha512: return 64
        }
    }

    /// OpenSSL's static `EVP_MD` (not to be freed).
    var messageDigest: OpaquePointer? {
        switch self {
        case .sha256: return EVP_sha256()
        case .sha384: return EVP_sha384()
        case .sha512: return EVP_sha512()
        }
    }
}
