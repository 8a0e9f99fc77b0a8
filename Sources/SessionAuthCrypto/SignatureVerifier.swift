import COpenSSL
import SessionAuthCore

/// Checks a JWS signature (RFC 7515 §5.2 step 8) with the system OpenSSL. Total: any refusal,
/// malformed input or OpenSSL failure is `false`, never a trap, and leaves OpenSSL's error queue empty.
public enum SignatureVerifier {
    /// `signingInput` is `BASE64URL(header) || '.' || BASE64URL(payload)`; `signature` is the
    /// decoded third part.
    public static func verify(
        _ algorithm: JWSAlgorithm, key: VerificationKey, signingInput: [UInt8], signature: [UInt8]
    ) -> Bool {
        // The key's family decides, never the token: no RS/HS or curve confusion.
        guard key.accepts(algorithm) else { return false }
        switch key.material {
        case .hmacSecret(let secret):
            guard let digest = JWSDigest(algorithm) else { return false }
            return verifyHMAC(digest, secret: secret, signingInput: signingInput, signature: signature)
        case .publicKey(let pkey, let profile, let prepared):
            switch algorithm {
            case .es256, .es384:
                return verifyECDSA(
                    algorithm, prepared: prepared, profile: profile, signingInput: signingInput, signature: signature)
            case .edDSA:
                // RFC 8032 §5.1.7: a signature is exactly 64 bytes; Ed25519 hashes the message itself.
                guard signature.count == 64 else { return false }
                return verifyEd25519(pkey: pkey, signature: signature, message: signingInput)
            case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512:
                // RFC 8017 §8.2.2 step 1 (and §8.1.2): the signature is exactly as long as the modulus.
                guard signature.count == profile.componentLength else { return false }
                return prepared.verify(algorithm, signature: signature, message: signingInput)
            case .hs256, .hs384, .hs512:
                return false  // a public key is never an HMAC secret (accepts() already said no)
            }
        }
    }

    /// RFC 7518 §3.2: HMAC over the signing input, compared in constant time with a signature of
    /// exactly the hash length (a truncated MAC is not accepted).
    private static func verifyHMAC(
        _ digest: JWSDigest, secret: PreparedHMAC, signingInput: [UInt8], signature: [UInt8]
    ) -> Bool {
        guard signature.count == digest.outputLength, let mac = secret.mac(digest, of: signingInput) else {
            return false
        }
        return CRYPTO_memcmp(mac, signature, digest.outputLength) == 0
    }

    /// RFC 7518 §3.4: the JWS signature is r||s, each exactly the field length. It is refused unless
    /// r and s both lie in [1, n-1] (r = 0 / s = 0 is the "psychic signature", CVE-2022-21449), then
    /// re-encoded as the DER `ECDSA-Sig-Value` OpenSSL verifies. A DER signature in a JWS is refused.
    private static func verifyECDSA(
        _ algorithm: JWSAlgorithm, prepared: PreparedSignatureChecks, profile: PublicKeyProfile,
        signingInput: [UInt8], signature: [UInt8]
    ) -> Bool {
        let half = profile.componentLength
        guard half > 0, signature.count == half * 2, profile.groupOrder.count == half else { return false }
        let r = Array(signature[0..<half])
        let s = Array(signature[half...])
        guard isScalar(r, below: profile.groupOrder), isScalar(s, below: profile.groupOrder) else { return false }
        guard let der = ECDSASignatureDER.encode(r: r, s: s) else { return false }
        return prepared.verify(algorithm, signature: der, message: signingInput)
    }

    /// 1 ≤ value ≤ order - 1, for big-endian byte strings of the same length.
    private static func isScalar(_ value: [UInt8], below order: [UInt8]) -> Bool {
        value.count == order.count && value.contains { $0 != 0 } && value.lexicographicallyPrecedes(order)
    }

    /// RFC 8032 §5.1.7 through the one-shot `EVP_DigestVerify` (Ed25519 hashes the message itself).
    private static func verifyEd25519(pkey: OpaquePointer, signature: [UInt8], message: [UInt8]) -> Bool {
        guard let context = EVP_MD_CTX_new() else {
            OpenSSLErrorQueue.clear()
            return false
        }
        defer { EVP_MD_CTX_free(context) }  // also frees the key context DigestVerifyInit made
        guard EVP_DigestVerifyInit(context, nil, nil, nil, pkey) == 1 else {
            OpenSSLErrorQueue.clear()
            return false
        }
        let status = withNonNullBytes(signature) { signatureBytes, signatureLength in
            withNonNullBytes(message) { messageBytes, messageLength in
                EVP_DigestVerify(context, signatureBytes, signatureLength, messageBytes, messageLength)
            }
        }
        // 1 is a good signature; 0 a bad one; below 0 an error. Only 1 passes, and a bad signature
        // leaves reasons on the queue too.
        guard status == 1 else {
            OpenSSLErrorQueue.clear()
            return false
        }
        return true
    }

    /// Some OpenSSL paths treat a NULL pointer specially even with length 0, and an empty Swift array
    /// may have no storage: an empty input is passed as a valid pointer with length 0.
    private static func withNonNullBytes<R>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        bytes.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { return body(base, buffer.count) }
            let zero: UInt8 = 0
            return withUnsafePointer(to: zero) { body($0, 0) }
        }
    }
}
