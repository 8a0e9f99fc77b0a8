import COpenSSL
import SessionAuthCore

/// What verification needs to know about a public key, read once when it is loaded.
struct PublicKeyProfile {
    let family: JWSAlgorithm.KeyFamily
    /// RSA: the modulus length in bytes, which every signature must have (RFC 8017 §8.2.2).
    /// EC: the field length in bytes, half of a raw r||s signature. Ed25519: 32.
    let componentLength: Int
    /// EC: the group order n, big-endian, `componentLength` bytes; r and s must lie in [1, n-1].
    let groupOrder: [UInt8]

    static let minimumRSABits: Int32 = 2048

    /// Classifies `pkey` (borrowed, not freed) and refuses what no supported algorithm may use.
    static func inspect(_ pkey: OpaquePointer) throws(KeyError) -> PublicKeyProfile {
        switch EVP_PKEY_get_base_id(pkey) {
        case EVP_PKEY_RSA:
            return try inspectRSA(pkey)
        case EVP_PKEY_EC:
            return try inspectEC(pkey)
        case EVP_PKEY_ED25519:
            return PublicKeyProfile(family: .ed25519, componentLength: 32, groupOrder: [])
        default:
            let name = EVP_PKEY_get0_type_name(pkey).map { String(cString: $0) } ?? "unknown"
            throw .unsupportedKeyType(name)
        }
    }

    private static func inspectRSA(_ pkey: OpaquePointer) throws(KeyError) -> PublicKeyProfile {
        let bits = EVP_PKEY_get_bits(pkey)
        guard bits >= minimumRSABits else { throw .rsaKeyTooSmall(bits: Int(bits)) }
        // e = 1 would make every padded message its own signature; OpenSSL does not refuse it.
        var exponent: OpaquePointer? = nil
        guard EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &exponent) == 1, let exponent else {
            throw .openSSLFailure(OpenSSLErrorQueue.drain(fallback: "cannot read the RSA exponent"))
        }
        defer { BN_free(exponent) }
        guard BN_is_odd(exponent) == 1, BN_is_one(exponent) == 0 else { throw .rsaExponentInvalid }
        let size = EVP_PKEY_get_size(pkey)
        guard size > 0 else {
            throw .openSSLFailure(OpenSSLErrorQueue.drain(fallback: "cannot read the RSA modulus size"))
        }
        return PublicKeyProfile(family: .rsa, componentLength: Int(size), groupOrder: [])
    }

    private static func inspectEC(_ pkey: OpaquePointer) throws(KeyError) -> PublicKeyProfile {
        let curve = try ECCurve(of: pkey)
        try checkPublicPoint(pkey)
        let order = try curve.order()
        return PublicKeyProfile(family: curve.family, componentLength: curve.fieldLength, groupOrder: order)
    }

    /// Full public-key validation (on the curve, not the point at infinity, in the prime-order group).
    private static func checkPublicPoint(_ pkey: OpaquePointer) throws(KeyError) {
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil) else {
            throw .openSSLFailure(OpenSSLErrorQueue.drain(fallback: "EVP_PKEY_CTX_new_from_pkey"))
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_public_check(context) == 1 else {
            OpenSSLErrorQueue.clear()
            throw .ecPointNotOnCurve
        }
    }
}
