import COpenSSL
import SessionAuthCore

/// Keys from their JWK components (RFC 7518 §6): what a JWKS entry decodes to.
extension VerificationKey {
    /// An RSA public key from its modulus `n` and exponent `e` (unsigned big-endian).
    public static func rsa(modulus: [UInt8], exponent: [UInt8], keyID: String?) throws(KeyError) -> VerificationKey {
        // 16384 bits is OpenSSL's own ceiling (OPENSSL_RSA_MAX_MODULUS_BITS); 8 bytes of exponent is plenty.
        guard modulus.count <= 2048 + 1 else { throw .malformedKey("RSA modulus longer than 16384 bits") }
        guard !exponent.isEmpty, exponent.count <= 8 else { throw .rsaExponentInvalid }
        guard let n = bigNumber(modulus) else {
            throw .openSSLFailure(OpenSSLErrorQueue.drain(fallback: "BN_bin2bn"))
        }
        defer { BN_free(n) }
        guard let e = bigNumber(exponent) else {
            throw .openSSLFailure(OpenSSLErrorQueue.drain(fallback: "BN_bin2bn"))
        }
        defer { BN_free(e) }
        let pkey = publicKeyFromData(typeName: "RSA") { builder in
            OSSL_PARAM_BLD_push_BN(builder, COpenSSL_param_rsa_n(), n) == 1
                && OSSL_PARAM_BLD_push_BN(builder, COpenSSL_param_rsa_e(), e) == 1
        }
        guard let pkey else {
            throw .malformedKey(OpenSSLErrorQueue.drain(fallback: "OpenSSL refused the RSA components"))
        }
        return try adopting(pkey, keyID: keyID)
    }

    /// An EC public key from its affine coordinates (RFC 7518 §6.2.1.2: the curve's field length, 32 bytes
    /// for P-256, 48 for P-384). A shorter coordinate is taken as the same number with its leading zero
    /// bytes left out, and padded: PyJWT 2.6 (Debian bookworm's python3-jwt) writes them that way for about
    /// one key in 140, and an operator's JWKS from it must load. Longer is refused. The point must be on
    /// the curve.
    public static func ec(
        curve family: JWSAlgorithm.KeyFamily, x: [UInt8], y: [UInt8], keyID: String?
    ) throws(KeyError) -> VerificationKey {
        guard let curve = ECCurve(family) else { throw .ecCurveNotSupported }
        let size = curve.fieldLength
        guard (1...size).contains(x.count), (1...size).contains(y.count) else {
            throw .ecCoordinateLength(expected: size, x: x.count, y: y.count)
        }
        let padded = { (coordinate: [UInt8]) in Array(repeating: 0, count: size - coordinate.count) + coordinate }
        let point: [UInt8] = [0x04] + padded(x) + padded(y)  // SEC 1 §2.3.3 uncompressed encoding
        // The builder reads the group name and the point at OSSL_PARAM_BLD_to_param, inside these scopes.
        let pkey = curve.groupName.withCString { groupName in
            point.withUnsafeBufferPointer { encoded in
                publicKeyFromData(typeName: "EC") { builder in
                    OSSL_PARAM_BLD_push_utf8_string(builder, COpenSSL_param_group_name(), groupName, 0) == 1
                        && OSSL_PARAM_BLD_push_octet_string(
                            builder, COpenSSL_param_pub_key(), encoded.baseAddress, encoded.count) == 1
                }
            }
        }
        guard let pkey else {
            // EVP_PKEY_fromdata already decodes the point, and refuses one off the curve.
            OpenSSLErrorQueue.clear()
            throw .ecPointNotOnCurve
        }
        return try adopting(pkey, keyID: keyID)
    }

    /// An Ed25519 public key (RFC 8037 §2: the 32-byte `x`).
    public static func ed25519(publicKey: [UInt8], keyID: String?) throws(KeyError) -> VerificationKey {
        guard publicKey.count == 32 else { throw .ed25519KeyLength(publicKey.count) }
        let pkey = publicKey.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count)
        }
        guard let pkey else {
            throw .malformedKey(OpenSSLErrorQueue.drain(fallback: "OpenSSL refused the Ed25519 key"))
        }
        return try adopting(pkey, keyID: keyID)
    }

    /// `BN_bin2bn` over a Swift array; the caller frees the result.
    private static func bigNumber(_ bytes: [UInt8]) -> OpaquePointer? {
        guard let count = Int32(exactly: bytes.count) else { return nil }
        return bytes.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, count, nil) }
    }

    /// Builds a public `EVP_PKEY` of `typeName` from the parameters `push` adds to a builder. The
    /// builder keeps pointers, not copies, until `OSSL_PARAM_BLD_to_param` (and the parameter array
    /// keeps the key names until `EVP_PKEY_fromdata`), which is why `push` runs here, inside the
    /// caller's buffer scopes, and the names come from C literals.
    private static func publicKeyFromData(typeName: String, push: (OpaquePointer) -> Bool) -> OpaquePointer? {
        // The context keeps the type name pointer it is given, so it must outlive the context.
        typeName.withCString { typeName in publicKeyFromData(typeName: typeName, push: push) }
    }

    private static func publicKeyFromData(typeName: UnsafePointer<CChar>, push: (OpaquePointer) -> Bool)
        -> OpaquePointer?
    {
        guard let builder = OSSL_PARAM_BLD_new() else { return nil }
        defer { OSSL_PARAM_BLD_free(builder) }
        guard push(builder), let parameters = OSSL_PARAM_BLD_to_param(builder) else { return nil }
        defer { OSSL_PARAM_free(parameters) }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, typeName, nil) else { return nil }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_fromdata_init(context) == 1 else { return nil }
        var pkey: OpaquePointer? = nil
        guard EVP_PKEY_fromdata(context, &pkey, COpenSSL_selection_public_key(), parameters) == 1 else { return nil }
        return pkey
    }
}
