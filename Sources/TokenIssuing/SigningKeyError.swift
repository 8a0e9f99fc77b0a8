import SessionAuthCore

/// Why a signing key could not be made, read or used. Each prints as one line; the key ring adds the
/// file and the kid it concerns.
public enum SigningKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case generationFailed(JWSAlgorithm, String)
    case randomUnavailable
    case notAPrivateKey(String)
    case wrongKeyType(JWSAlgorithm, found: String)
    case rsaKeyTooSmall(bits: Int)
    case invalidSecretText
    case secretTooShort(JWSAlgorithm, bytes: Int)
    case exportFailed(String)
    case signingFailed(JWSAlgorithm, String)

    public var description: String {
        switch self {
        case .generationFailed(let algorithm, let detail):
            return "could not generate a \(algorithm.rawValue) key: \(detail)"
        case .randomUnavailable:
            return "OpenSSL's random generator failed; no secret was made (is /dev/urandom readable?)"
        case .notAPrivateKey(let detail):
            return "not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----): \(detail)"
        case .wrongKeyType(let algorithm, let found):
            return "holds a \(found) key, but \(algorithm.rawValue) needs \(algorithm.keyDescription)"
        case .rsaKeyTooSmall(let bits):
            return "RSA key of \(bits) bits refused: at least 2048 bits are required (RFC 7518 §3.3)"
        case .invalidSecretText:
            return "not an HMAC secret file: expected one line of unpadded base64url"
        case .secretTooShort(let algorithm, let bytes):
            return "HMAC secret of \(bytes) bytes is too short for \(algorithm.rawValue) (RFC 7518 §3.2)"
        case .exportFailed(let detail):
            return "could not encode the key: \(detail)"
        case .signingFailed(let algorithm, let detail):
            return "\(algorithm.rawValue) signing failed: \(detail)"
        }
    }
}

extension JWSAlgorithm {
    /// The key an algorithm signs with, as an error message names it.
    var keyDescription: String {
        switch keyFamily {
        case .ecP256: return "an EC P-256 key"
        case .ecP384: return "an EC P-384 key"
        case .ed25519: return "an Ed25519 key"
        case .rsa: return "an RSA key"
        case .hmac: return "an HMAC secret"
        }
    }
}
