import COpenSSL
import SessionAuthCore

/// The two curves JWS uses for ECDSA (RFC 7518 §3.4): P-256 for ES256, P-384 for ES384.
public enum ECCurve: Sendable {
    case p256, p384

    public init?(_ family: JWSAlgorithm.KeyFamily) {
        switch family {
        case .ecP256: self = .p256
        case .ecP384: self = .p384
        case .ed25519, .rsa, .hmac: return nil
        }
    }

    /// The curve of an EC `EVP_PKEY`; any other curve (secp256k1, brainpool, …) is refused.
    public init(of pkey: OpaquePointer) throws(KeyError) {
        var buffer = [CChar](repeating: 0, count: 64)
        var length = 0
        let ok = buffer.withUnsafeMutableBufferPointer {
            EVP_PKEY_get_group_name(pkey, $0.baseAddress, $0.count, &length)
        }
        guard ok == 1 else {
            throw .malformedKey(OpenSSLErrorQueue.drain(fallback: "EC key without a named curve"))
        }
        let name = String(
            decoding: buffer.prefix(min(max(length, 0), buffer.count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        switch name {
        case "prime256v1", "P-256", "secp256r1": self = .p256
        case "secp384r1", "P-384": self = .p384
        default: throw .unsupportedKeyType("EC curve \(name)")
        }
    }

    /// RFC 7518 §6.2.1.1.
    public var jwkName: String {
        switch self {
        case .p256: return "P-256"
        case .p384: return "P-384"
        }
    }

    var family: JWSAlgorithm.KeyFamily {
        switch self {
        case .p256: return .ecP256
        case .p384: return .ecP384
        }
    }

    /// OpenSSL's name for the group, as `EVP_PKEY_fromdata` takes it.
    public var groupName: String {
        switch self {
        case .p256: return "prime256v1"
        case .p384: return "secp384r1"
        }
    }

    /// Bytes of a coordinate, and of each of r and s in a JWS signature (RFC 7518 §3.4).
    public var fieldLength: Int {
        switch self {
        case .p256: return 32
        case .p384: return 48
        }
    }

    private var nid: Int32 {
        switch self {
        case .p256: return NID_X9_62_prime256v1
        case .p384: return NID_secp384r1
        }
    }

    /// The group order n, big-endian and padded to the field length, read from OpenSSL rather than
    /// copied into the source.
    func order() throws(KeyError) -> [UInt8] {
        guard let group = EC_GROUP_new_by_curve_name(nid) else {
            throw .openSSLFailure(OpenSSLErrorQueue.drain(fallback: "EC_GROUP_new_by_curve_name"))
        }
        defer { EC_GROUP_free(group) }
        guard let order = EC_GROUP_get0_order(group) else {
            throw .openSSLFailure(OpenSSLErrorQueue.drain(fallback: "EC_GROUP_get0_order"))
        }
        var bytes = [UInt8](repeating: 0, count: fieldLength)
        let written = bytes.withUnsafeMutableBufferPointer { BN_bn2binpad(order, $0.baseAddress, Int32($0.count)) }
        guard written == Int32(fieldLength) else {
            throw .openSSLFailure(OpenSSLErrorQueue.drain(fallback: "BN_bn2binpad"))
        }
        return bytes
    }
}
