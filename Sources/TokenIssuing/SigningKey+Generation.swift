import COpenSSL
import SessionAuthCore
import SessionAuthCrypto

extension SigningKey {
    /// RSA keys are made this large: NIST SP 800-57 rates 3072 bits as 128-bit security, the level of
    /// P-256 and Ed25519, where 2048 bits (the JWS minimum) falls short of it.
    public static let generatedRSABits: Int32 = 3072

    /// A new key for `algorithm`: P-256 for ES256, P-384 for ES384, Ed25519 for EdDSA, 3072-bit RSA for
    /// RS*/PS*, and for HS* a secret as long as the hash (RFC 7518 §3.2) from OpenSSL's CSPRNG.
    public static func generate(_ algorithm: JWSAlgorithm, keyID: String) throws(SigningKeyError) -> SigningKey {
        switch algorithm.keyFamily {
        case .hmac:
            guard let digest = JWSDigest(algorithm) else { throw .wrongKeyType(algorithm, found: "HMAC secret") }
            guard let secret = SecureRandom.bytes(digest.outputLength) else { throw .randomUnavailable }
            return try hmac(secret: secret, algorithm: algorithm, keyID: keyID)
        case .ecP256, .ecP384:
            guard let curve = ECCurve(algorithm.keyFamily) else { throw .wrongKeyType(algorithm, found: "EC") }
            let pkey = try generateKeyPair("EC", algorithm) { context in
                EVP_PKEY_CTX_set_group_name(context, curve.groupName) == 1
            }
            return try adopting(pkey, algorithm: algorithm, keyID: keyID)
        case .ed25519:
            let pkey = try generateKeyPair("ED25519", algorithm) { _ in true }
            return try adopting(pkey, algorithm: algorithm, keyID: keyID)
        case .rsa:
            let pkey = try generateKeyPair("RSA", algorithm) { context in
                EVP_PKEY_CTX_set_rsa_keygen_bits(context, generatedRSABits) == 1
            }
            return try adopting(pkey, algorithm: algorithm, keyID: keyID)
        }
    }

    /// `EVP_PKEY_generate` for the key type `typeName`, after `configure` has set its parameters.
    /// Returns an owned `EVP_PKEY *`.
    private static func generateKeyPair(
        _ typeName: String, _ algorithm: JWSAlgorithm, configure: (OpaquePointer) -> Bool
    ) throws(SigningKeyError) -> OpaquePointer {
        // The context keeps the type name pointer it is given, so the C string must outlive the context.
        let generated: OpaquePointer? = typeName.withCString { name in
            guard let context = EVP_PKEY_CTX_new_from_name(nil, name, nil) else { return nil }
            defer { EVP_PKEY_CTX_free(context) }
            guard EVP_PKEY_keygen_init(context) == 1, configure(context) else { return nil }
            var pkey: OpaquePointer? = nil
            guard EVP_PKEY_generate(context, &pkey) == 1 else { return nil }
            return pkey
        }
        guard let generated else {
            throw .generationFailed(
                algorithm, OpenSSLFailure.drain(fallback: "OpenSSL refused \(typeName) key generation"))
        }
        return generated
    }
}
