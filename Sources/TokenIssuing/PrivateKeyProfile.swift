import COpenSSL
import SessionAuthCore
import SessionAuthCrypto

/// What a private `EVP_PKEY` is, checked against the algorithm it is to sign for, and its public half
/// as JWK parameters (RFC 7518 §6, RFC 8037 §2).
enum PrivateKeyProfile {
    static let minimumRSABits: Int32 = 2048

    /// Refuses a key of another family or curve, and an RSA key too small for RFC 7518 §3.3. A key
    /// file swapped for another kind of key must not sign under the kid the JWKS pins to its algorithm.
    static func check(_ pkey: OpaquePointer, fits algorithm: JWSAlgorithm) throws(SigningKeyError) {
        let found = describe(pkey)
        switch algorithm.keyFamily {
        case .ecP256, .ecP384:
            guard EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC, let curve = ECCurve(algorithm.keyFamily),
                (try? ECCurve(of: pkey)) == curve
            else { throw .wrongKeyType(algorithm, found: found) }
        case .ed25519:
            guard EVP_PKEY_get_base_id(pkey) == EVP_PKEY_ED25519 else { throw .wrongKeyType(algorithm, found: found) }
        case .rsa:
            guard EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA else { throw .wrongKeyType(algorithm, found: found) }
            let bits = EVP_PKEY_get_bits(pkey)
            guard bits >= minimumRSABits else { throw .rsaKeyTooSmall(bits: Int(bits)) }
        case .hmac:
            throw .wrongKeyType(algorithm, found: found)
        }
        // A private key file must hold the private half; a public key would fail only at signing time.
        guard hasPrivateHalf(pkey) else { throw .notAPrivateKey("the file holds a public key only") }
    }

    /// The JWK members after `kty`/`kid`/`use`/`alg`, all base64url: EC `crv`, `x`, `y` padded to the
    /// field length (RFC 7518 §6.2.1.2); OKP `crv`, `x`; RSA `n`, `e` without leading zeros (§6.3.1.1).
    static func publicParameters(of pkey: OpaquePointer, algorithm: JWSAlgorithm) throws(SigningKeyError)
        -> [(String, String)]
    {
        switch algorithm.keyFamily {
        case .ecP256, .ecP384:
            guard let curve = ECCurve(algorithm.keyFamily) else { throw .wrongKeyType(algorithm, found: "EC") }
            let x = try bigNumberParameter(pkey, OSSL_PKEY_PARAM_EC_PUB_X, paddedTo: curve.fieldLength)
            let y = try bigNumberParameter(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, paddedTo: curve.fieldLength)
            return [("crv", curve.jwkName), ("x", Base64URL.encode(x)), ("y", Base64URL.encode(y))]
        case .ed25519:
            var publicKey = [UInt8](repeating: 0, count: 32)
            var length = publicKey.count
            let ok = publicKey.withUnsafeMutableBufferPointer {
                EVP_PKEY_get_raw_public_key(pkey, $0.baseAddress, &length)
            }
            guard ok == 1, length == 32 else {
                throw .exportFailed(OpenSSLFailure.drain(fallback: "EVP_PKEY_get_raw_public_key"))
            }
            return [("crv", "Ed25519"), ("x", Base64URL.encode(publicKey))]
        case .rsa:
            let n = try bigNumberParameter(pkey, OSSL_PKEY_PARAM_RSA_N, paddedTo: nil)
            let e = try bigNumberParameter(pkey, OSSL_PKEY_PARAM_RSA_E, paddedTo: nil)
            return [("n", Base64URL.encode(n)), ("e", Base64URL.encode(e))]
        case .hmac:
            throw .wrongKeyType(algorithm, found: describe(pkey))
        }
    }

    /// A big-endian integer parameter: minimal when `paddedTo` is nil, else exactly that many bytes.
    private static func bigNumberParameter(_ pkey: OpaquePointer, _ name: String, paddedTo width: Int?)
        throws(SigningKeyError) -> [UInt8]
    {
        var number: OpaquePointer? = nil
        guard EVP_PKEY_get_bn_param(pkey, name, &number) == 1, let number else {
            throw .exportFailed(OpenSSLFailure.drain(fallback: "cannot read key parameter '\(name)'"))
        }
        defer { BN_free(number) }
        let minimal = Int((BN_num_bits(number) + 7) / 8)
        let count = width ?? max(minimal, 1)
        guard minimal <= count, let count32 = Int32(exactly: count) else {
            throw .exportFailed("key parameter '\(name)' is longer than \(count) bytes")
        }
        var bytes = [UInt8](repeating: 0, count: count)
        let written = bytes.withUnsafeMutableBufferPointer { BN_bn2binpad(number, $0.baseAddress, count32) }
        guard written == count32 else {
            throw .exportFailed(OpenSSLFailure.drain(fallback: "BN_bn2binpad"))
        }
        return bytes
    }

    /// True when the key carries its private half: the private scalar (EC), the raw private key
    /// (Ed25519) or the private exponent (RSA) can be read.
    private static func hasPrivateHalf(_ pkey: OpaquePointer) -> Bool {
        let present: Bool
        switch EVP_PKEY_get_base_id(pkey) {
        case EVP_PKEY_ED25519:
            var length = 0
            present = EVP_PKEY_get_raw_private_key(pkey, nil, &length) == 1 && length == 32
        case EVP_PKEY_EC:
            present = hasBigNumber(pkey, OSSL_PKEY_PARAM_PRIV_KEY)
        case EVP_PKEY_RSA:
            present = hasBigNumber(pkey, OSSL_PKEY_PARAM_RSA_D)
        default:
            present = false
        }
        ERR_clear_error()
        return present
    }

    private static func hasBigNumber(_ pkey: OpaquePointer, _ name: String) -> Bool {
        var number: OpaquePointer? = nil
        guard EVP_PKEY_get_bn_param(pkey, name, &number) == 1, let number else { return false }
        BN_clear_free(number)
        return true
    }

    /// "RSA", "EC prime256v1", "ED25519": how an error names the key that was found.
    static func describe(_ pkey: OpaquePointer) -> String {
        let type = EVP_PKEY_get0_type_name(pkey).map { String(cString: $0) } ?? "unknown"
        if EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC, let group = groupName(pkey) {
            return "\(type) \(group)"
        }
        return type
    }

    private static func groupName(_ pkey: OpaquePointer) -> String? {
        var buffer = [CChar](repeating: 0, count: 64)
        var length = 0
        let ok = buffer.withUnsafeMutableBufferPointer {
            EVP_PKEY_get_group_name(pkey, $0.baseAddress, $0.count, &length)
        }
        guard ok == 1, length > 0, length < buffer.count else {
            ERR_clear_error()
            return nil
        }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
