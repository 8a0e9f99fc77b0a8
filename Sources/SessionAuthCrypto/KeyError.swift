/// Why a verification key was refused when it was loaded. Each case prints as one line, for the
/// plugin's init error ("key 'k1': ...").
public enum KeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case noPEMBlock
    case privateKeyPEM
    case certificatePEM
    case encryptedPEM
    case unsupportedPEMLabel(String)
    case multiplePublicKeys
    case malformedKey(String)
    case unsupportedKeyType(String)
    case rsaKeyTooSmall(bits: Int)
    case rsaExponentInvalid
    case ecCurveNotSupported
    case ecCoordinateLength(expected: Int, x: Int, y: Int)
    case ecPointNotOnCurve
    case ed25519KeyLength(Int)
    case hmacSecretTooShort(bytes: Int)
    case openSSLFailure(String)

    public var description: String {
        switch self {
        case .noPEMBlock:
            return "no PEM block found (expected -----BEGIN PUBLIC KEY-----)"
        case .privateKeyPEM:
            return "the PEM holds a private key; configure the public key only (openssl pkey -pubout)"
        case .certificatePEM:
            return "the PEM holds a certificate; configure its public key (openssl x509 -pubkey -noout)"
        case .encryptedPEM:
            return "the PEM block is encrypted; a public key is never encrypted"
        case .unsupportedPEMLabel(let label):
            return "unsupported PEM block '\(label)' (expected PUBLIC KEY or RSA PUBLIC KEY)"
        case .multiplePublicKeys:
            return "the PEM holds more than one public key; give one key per entry"
        case .malformedKey(let detail):
            return "the public key could not be decoded: \(detail)"
        case .unsupportedKeyType(let type):
            return "unsupported key type \(type) (supported: RSA, EC P-256, EC P-384, Ed25519)"
        case .rsaKeyTooSmall(let bits):
            return "RSA key of \(bits) bits refused: at least 2048 bits are required (RFC 7518 §3.3)"
        case .rsaExponentInvalid:
            return "RSA public exponent refused: it must be odd and greater than 1"
        case .ecCurveNotSupported:
            return "EC keys must be on P-256 or P-384"
        case .ecCoordinateLength(let expected, let x, let y):
            return "EC coordinates must be 1 to \(expected) bytes each (got x \(x), y \(y))"
        case .ecPointNotOnCurve:
            return "the EC public point is not a valid point of the curve"
        case .ed25519KeyLength(let count):
            return "an Ed25519 public key is 32 bytes (got \(count))"
        case .hmacSecretTooShort(let bytes):
            return "HMAC secret of \(bytes) bytes refused: at least 32 bytes are required (RFC 7518 §3.2)"
        case .openSSLFailure(let detail):
            return "OpenSSL failed: \(detail)"
        }
    }
}
