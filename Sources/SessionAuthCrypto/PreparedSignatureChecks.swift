import COpenSSL
import SessionAuthCore

/// An RSA or EC public key's verify operations, set up once per algorithm when the key is loaded:
/// each check hashes the signing input with a fetched digest and verifies on a duplicate of a ready
/// `EVP_PKEY_CTX`. `EVP_DigestVerifyInit` per token fetched the signature algorithm from the provider
/// and built a fresh key context every time (~24,000 of an RS256 CONNECT's instructions).
/// Ed25519 is not prepared: it signs the message itself, not a digest (RFC 8032), so it keeps the
/// one-shot `EVP_DigestVerify`.
final class PreparedSignatureChecks: @unchecked Sendable {
    /// Contexts after `EVP_PKEY_verify_init` and their padding, owned here and never used directly:
    /// every check works on its own duplicate, so checks on several threads share nothing mutable.
    private let prepared: [(algorithm: JWSAlgorithm, context: OpaquePointer)]

    /// Prepares every algorithm of the key's family (RS/PS 256–512 for RSA, the curve's ES for EC); an
    /// algorithm OpenSSL could not prepare has no context, and its tokens are refused.
    init(pkey: OpaquePointer, family: JWSAlgorithm.KeyFamily) {
        var prepared: [(algorithm: JWSAlgorithm, context: OpaquePointer)] = []
        for algorithm in JWSAlgorithm.allCases where algorithm.keyFamily == family && family != .ed25519 {
            if let context = Self.verifyContext(pkey: pkey, algorithm: algorithm) {
                prepared.append((algorithm, context))
            }
        }
        self.prepared = prepared
    }

    deinit {
        for entry in prepared { EVP_PKEY_CTX_free(entry.context) }
    }

    /// True only for a signature OpenSSL verifies over the hash of `message`; `signature` is what
    /// OpenSSL takes (RSA: the modulus-length block; ECDSA: DER).
    func verify(_ algorithm: JWSAlgorithm, signature: [UInt8], message: [UInt8]) -> Bool {
        guard let digest = JWSDigest(algorithm),
            let template = prepared.first(where: { $0.algorithm == algorithm })?.context
        else { return false }
        let hashLength = digest.outputLength
        let status = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: hashLength) { hash -> Int32 in
            var written: UInt32 = 0
            let hashed = message.withUnsafeBufferPointer { input in
                EVP_Digest(input.baseAddress, input.count, hash.baseAddress, &written, digest.messageDigest, nil)
            }
            guard hashed == 1, Int(written) == hashLength, let context = EVP_PKEY_CTX_dup(template) else { return -1 }
            defer { EVP_PKEY_CTX_free(context) }
            return signature.withUnsafeBufferPointer { signatureBytes in
                EVP_PKEY_verify(context, signatureBytes.baseAddress, signatureBytes.count, hash.baseAddress, hashLength)
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

    /// RFC 7518 §3.3 (PKCS#1 v1.5), §3.4 (ECDSA) and §3.5 (PSS: MGF1 with the same hash, salt as long
    /// as the hash); the signature's hash is set so OpenSSL checks the digest's length and, for
    /// PKCS#1, encodes its `DigestInfo`.
    private static func verifyContext(pkey: OpaquePointer, algorithm: JWSAlgorithm) -> OpaquePointer? {
        guard let digest = JWSDigest(algorithm), let context = EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil) else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        var ready = EVP_PKEY_verify_init(context) == 1
        switch algorithm {
        case .rs256, .rs384, .rs512:
            ready = ready && EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1
        case .ps256, .ps384, .ps512:
            ready =
                ready && EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PSS_PADDING) == 1
                && EVP_PKEY_CTX_set_rsa_mgf1_md(context, digest.messageDigest) == 1
                && EVP_PKEY_CTX_set_rsa_pss_saltlen(context, Int32(digest.outputLength)) == 1
        case .es256, .es384, .edDSA, .hs256, .hs384, .hs512:
            break
        }
        ready = ready && EVP_PKEY_CTX_set_signature_md(context, digest.messageDigest) == 1
        guard ready else {
            EVP_PKEY_CTX_free(context)
            OpenSSLErrorQueue.clear()
            return nil
        }
        return context
    }
}
