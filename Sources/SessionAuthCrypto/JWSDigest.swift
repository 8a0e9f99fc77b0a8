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

    /// The `EVP_MD`, fetched from the provider once for the process (not to be freed). OpenSSL's
    /// static `EVP_sha256()` makes every `EVP_Digest` and `EVP_DigestVerifyInit` fetch it again (measured:
    /// 10,400 → 3,400 instructions for the one digest of a pin CONNECT).
    public var messageDigest: OpaquePointer? {
        switch self {
        case .sha256: return fetchedSHA256
        case .sha384: return fetchedSHA384
        case .sha512: return fetchedSHA512
        }
    }

    /// The digest's name as OpenSSL's HMAC takes it (`EVP_Q_mac`, the `digest` parameter).
    public var name: String {
        switch self {
        case .sha256: return "SHA256"
        case .sha384: return "SHA384"
        case .sha512: return "SHA512"
        }
    }
}

private nonisolated(unsafe) let fetchedSHA256: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil) ?? EVP_sha256()
private nonisolated(unsafe) let fetchedSHA384: OpaquePointer? = EVP_MD_fetch(nil, "SHA384", nil) ?? EVP_sha384()
private nonisolated(unsafe) let fetchedSHA512: OpaquePointer? = EVP_MD_fetch(nil, "SHA512", nil) ?? EVP_sha512()
