import COpenSSL
import SessionAuthCore
import SessionAuthCrypto

/// A key that signs tokens: a private key held by OpenSSL (EC P-256/P-384, Ed25519, RSA) or an HMAC
/// secret, bound to the one JWS algorithm and kid it was made for. The algorithm is fixed with the key,
/// as the JWKS entry pins it (`alg`), so an RSA key made for RS256 never signs PS256.
///
/// Immutable after init; OpenSSL 3 lets one `EVP_PKEY` sign from several threads at once.
public final class SigningKey: @unchecked Sendable {
    enum Material {
        /// An `EVP_PKEY *` with its private half, owned by this object (freed in deinit).
        case privateKey(OpaquePointer)
        case hmacSecret([UInt8])
    }

    /// The JWKS `kid` tokens signed with this key name in their header.
    public let keyID: String
    public let algorithm: JWSAlgorithm
    let material: Material
    /// The public JWK (RFC 7517 §4) as members in a fixed order: `kty`, `kid`, `use`, `alg`, then the
    /// public parameters (`crv`/`x`/`y`, `crv`/`x`, `n`/`e`), or for HMAC the secret itself as `k`.
    public let publicJWKMembers: [(name: String, value: String)]

    private init(material: Material, algorithm: JWSAlgorithm, keyID: String, publicParameters: [(String, String)]) {
        self.material = material
        self.algorithm = algorithm
        self.keyID = keyID
        let common = [("kty", algorithm.jwkKeyType), ("kid", keyID), ("use", "sig"), ("alg", algorithm.rawValue)]
        self.publicJWKMembers = (common + publicParameters).map { (name: $0.0, value: $0.1) }
    }

    deinit {
        if case .privateKey(let pkey) = material {
            EVP_PKEY_free(pkey)
        }
    }

    /// True for an HMAC key, whose "public" JWK is the secret: a JWKS holding it must be kept private.
    public var isSymmetric: Bool {
        if case .hmacSecret = material { return true }
        return false
    }

    /// The public JWK as a JSON object, ready to be put in a JWKS.
    public var publicJWK: CompactJSON {
        .object(publicJWKMembers.map { ($0.name, .string($0.value)) })
    }

    /// Takes ownership of `pkey`: kept on success, freed when it does not fit `algorithm`.
    static func adopting(_ pkey: OpaquePointer, algorithm: JWSAlgorithm, keyID: String) throws(SigningKeyError)
        -> SigningKey
    {
        let parameters: [(String, String)]
        do {
            try PrivateKeyProfile.check(pkey, fits: algorithm)
            parameters = try PrivateKeyProfile.publicParameters(of: pkey, algorithm: algorithm)
        } catch {
            EVP_PKEY_free(pkey)
            throw error
        }
        return SigningKey(
            material: .privateKey(pkey), algorithm: algorithm, keyID: keyID, publicParameters: parameters)
    }

    /// An HMAC key; the secret must be at least as long as the algorithm's hash (RFC 7518 §3.2).
    public static func hmac(secret: [UInt8], algorithm: JWSAlgorithm, keyID: String) throws(SigningKeyError)
        -> SigningKey
    {
        guard algorithm.keyFamily == .hmac, let digest = JWSDigest(algorithm) else {
            throw .wrongKeyType(algorithm, found: "HMAC secret")
        }
        guard secret.count >= digest.outputLength else { throw .secretTooShort(algorithm, bytes: secret.count) }
        return SigningKey(
            material: .hmacSecret(secret), algorithm: algorithm, keyID: keyID,
            publicParameters: [("k", Base64URL.encode(secret))])
    }
}

extension JWSAlgorithm {
    /// RFC 7518 §6.1 and RFC 8037 §2: the JWK `kty` of the keys an algorithm uses.
    var jwkKeyType: String {
        switch keyFamily {
        case .ecP256, .ecP384: return "EC"
        case .ed25519: return "OKP"
        case .rsa: return "RSA"
        case .hmac: return "oct"
        }
    }
}
