import COpenSSL
import SessionAuthCore

/// A key that checks JWS signatures: a public key held by OpenSSL (RSA, EC P-256/P-384, Ed25519) or
/// an HMAC secret. What it may verify is fixed when it is loaded (`family`), so an algorithm of
/// another family is refused before any bytes of the key are used: an RSA public key is never an
/// HMAC secret (the RS/HS confusion, CVE-2015-9235 and its many siblings).
///
/// Immutable after init; OpenSSL 3 allows one `EVP_PKEY` to verify from several threads.
public final class VerificationKey: @unchecked Sendable {
    enum Material {
        /// An `EVP_PKEY *` this object owns (freed in deinit), and its verify operations made ready.
        case publicKey(OpaquePointer, PublicKeyProfile, PreparedSignatureChecks)
        /// The secret, keyed into OpenSSL once per hash when the key is loaded.
        case hmacSecret(PreparedHMAC)
    }

    /// The JWKS `kid`, when there is one.
    public let keyID: String?
    public let family: JWSAlgorithm.KeyFamily
    let material: Material

    private init(material: Material, family: JWSAlgorithm.KeyFamily, keyID: String?) {
        self.material = material
        self.family = family
        self.keyID = keyID
    }

    /// Takes ownership of `pkey`: it is kept on success and freed when inspection refuses it.
    static func adopting(_ pkey: OpaquePointer, keyID: String?) throws(KeyError) -> VerificationKey {
        let profile: PublicKeyProfile
        do {
            profile = try PublicKeyProfile.inspect(pkey)
        } catch {
            EVP_PKEY_free(pkey)
            throw error
        }
        return VerificationKey(material: publicKeyMaterial(pkey, profile), family: profile.family, keyID: keyID)
    }

    private static func publicKeyMaterial(_ pkey: OpaquePointer, _ profile: PublicKeyProfile) -> Material {
        .publicKey(pkey, profile, PreparedSignatureChecks(pkey: pkey, family: profile.family))
    }

    deinit {
        if case .publicKey(let pkey, _, _) = material {
            EVP_PKEY_free(pkey)
        }
    }

    /// A PEM public key: `PUBLIC KEY` (SubjectPublicKeyInfo) or `RSA PUBLIC KEY` (PKCS#1).
    /// Private keys and certificates are refused with a message saying what to give instead.
    public convenience init(pem: [UInt8], keyID: String?) throws(KeyError) {
        let pkey = try PEMPublicKeyDecoder.decode(pem)
        let profile: PublicKeyProfile
        do {
            profile = try PublicKeyProfile.inspect(pkey)
        } catch {
            EVP_PKEY_free(pkey)
            throw error
        }
        self.init(material: Self.publicKeyMaterial(pkey, profile), family: profile.family, keyID: keyID)
    }

    /// An HMAC secret (JWK `kty: oct`). Shorter than 32 bytes it is refused outright; whether it is
    /// long enough for HS384/HS512 is decided per algorithm by `accepts`.
    public static func hmac(secret: [UInt8], keyID: String?) throws(KeyError) -> VerificationKey {
        guard secret.count >= JWSDigest.sha256.outputLength else {
            throw .hmacSecretTooShort(bytes: secret.count)
        }
        return VerificationKey(material: .hmacSecret(PreparedHMAC(secret: secret)), family: .hmac, keyID: keyID)
    }

    /// The length of the HMAC secret; nil for a public key.
    public var hmacSecretLength: Int? {
        if case .hmacSecret(let secret) = material { return secret.secretLength }
        return nil
    }

    /// True only when `algorithm` needs this key's family (which for EC includes the curve) and, for
    /// HMAC, the secret is at least as long as the hash output (RFC 7518 §3.2).
    public func accepts(_ algorithm: JWSAlgorithm) -> Bool {
        guard algorithm.keyFamily == family else { return false }
        switch material {
        case .hmacSecret(let secret):
            guard let digest = JWSDigest(algorithm) else { return false }
            return secret.secretLength >= digest.outputLength
        case .publicKey:
            return family != .hmac
        }
    }
}
