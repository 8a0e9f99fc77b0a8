import COpenSSL
import SessionAuthCore
import SessionAuthCrypto

extension SigningKey {
    /// The JWS signature (RFC 7515 §5.1 step 5) over `signingInput`, which is
    /// `BASE64URL(header) || '.' || BASE64URL(payload)`, in the form RFC 7518 gives for the algorithm.
    public func sign(signingInput: [UInt8]) throws(SigningKeyError) -> [UInt8] {
        switch material {
        case .hmacSecret(let secret):
            return try hmac(secret: secret, signingInput: signingInput)
        case .privateKey(let pkey):
            let digest = JWSDigest(algorithm)
            switch algorithm.keyFamily {
            case .ecP256, .ecP384:
                guard let digest, let curve = ECCurve(algorithm.keyFamily) else {
                    throw .signingFailed(algorithm, "no digest for the curve")
                }
                let der = try digestSign(pkey, digest: digest, message: signingInput) { _ in true }
                return try Self.rawECDSASignature(der: der, fieldLength: curve.fieldLength, algorithm: algorithm)
            case .ed25519:
                // RFC 8037 §3.1: pure Ed25519 over the signing input itself (no pre-hash, no context).
                return try digestSign(pkey, digest: nil, message: signingInput) { _ in true }
            case .rsa:
                guard let digest else { throw .signingFailed(algorithm, "no digest") }
                let pss = [.ps256, .ps384, .ps512].contains(algorithm)
                return try digestSign(pkey, digest: digest, message: signingInput) { context in
                    // RFC 7518 §3.3 (PKCS#1 v1.5) and §3.5 (PSS: MGF1 with the same hash, salt of the hash's length).
                    guard pss else { return EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1 }
                    return EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PSS_PADDING) == 1
                        && EVP_PKEY_CTX_set_rsa_mgf1_md(context, digest.messageDigest) == 1
                        && EVP_PKEY_CTX_set_rsa_pss_saltlen(context, Int32(digest.outputLength)) == 1
                }
            case .hmac:
                throw .signingFailed(algorithm, "an HMAC algorithm needs a secret, not a key pair")
            }
        }
    }

    /// RFC 7518 §3.2: HMAC with the algorithm's hash, through OpenSSL's EVP MAC interface.
    private func hmac(secret: [UInt8], signingInput: [UInt8]) throws(SigningKeyError) -> [UInt8] {
        guard let digest = JWSDigest(algorithm) else { throw .signingFailed(algorithm, "no digest") }
        var mac = [UInt8](repeating: 0, count: digest.outputLength)
        var macLength = 0
        let result = secret.withUnsafeBytes { key in
            signingInput.withUnsafeBufferPointer { data in
                mac.withUnsafeMutableBufferPointer { output in
                    EVP_Q_mac(
                        nil, "HMAC", nil, digest.name, nil, key.baseAddress, key.count, data.baseAddress, data.count,
                        output.baseAddress, output.count, &macLength)
                }
            }
        }
        guard result != nil, macLength == digest.outputLength else {
            throw .signingFailed(algorithm, OpenSSLFailure.drain(fallback: "EVP_Q_mac"))
        }
        return mac
    }

    /// One-shot `EVP_DigestSign`; `configure` sets the padding on the key context first.
    private func digestSign(
        _ pkey: OpaquePointer, digest: JWSDigest?, message: [UInt8], configure: (OpaquePointer) -> Bool
    ) throws(SigningKeyError) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else {
            throw .signingFailed(algorithm, OpenSSLFailure.drain(fallback: "EVP_MD_CTX_new"))
        }
        defer { EVP_MD_CTX_free(context) }  // also frees the key context DigestSignInit made
        var keyContext: OpaquePointer? = nil
        guard EVP_DigestSignInit(context, &keyContext, digest?.messageDigest, nil, pkey) == 1,
            let keyContext, configure(keyContext)
        else {
            throw .signingFailed(algorithm, OpenSSLFailure.drain(fallback: "EVP_DigestSignInit"))
        }
        // The first call gives the maximum length, the second the signature and its real length
        // (a DER ECDSA signature is often a byte or two shorter than the maximum).
        let signature: [UInt8]? = Self.withNonNullBytes(message) { base, count in
            var length = 0
            guard EVP_DigestSign(context, nil, &length, base, count) == 1, length > 0 else { return nil }
            var output = [UInt8](repeating: 0, count: length)
            let ok = output.withUnsafeMutableBufferPointer {
                EVP_DigestSign(context, $0.baseAddress, &length, base, count) == 1
            }
            guard ok, length <= output.count else { return nil }
            return Array(output.prefix(length))
        }
        guard let signature else {
            throw .signingFailed(algorithm, OpenSSLFailure.drain(fallback: "EVP_DigestSign"))
        }
        return signature
    }

    /// An empty array may have no storage, and some OpenSSL paths treat a NULL input specially even
    /// with length 0: an empty message is passed as a valid pointer with length 0.
    private static func withNonNullBytes<R>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        bytes.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { return body(base, buffer.count) }
            let zero: UInt8 = 0
            return withUnsafePointer(to: zero) { body($0, 0) }
        }
    }

    /// RFC 7518 §3.4: OpenSSL signs ECDSA as a DER `ECDSA-Sig-Value`; JWS wants r||s, each left-padded
    /// with zeros to exactly the field length (a short r is common: 1 in 256 signatures).
    static func rawECDSASignature(der: [UInt8], fieldLength: Int, algorithm: JWSAlgorithm) throws(SigningKeyError)
        -> [UInt8]
    {
        guard let derLength = Int(exactly: der.count) else { throw .signingFailed(algorithm, "signature too long") }
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_ECDSA_SIG(nil, &cursor, derLength)
        }
        guard let parsed else {
            throw .signingFailed(algorithm, OpenSSLFailure.drain(fallback: "d2i_ECDSA_SIG"))
        }
        defer { ECDSA_SIG_free(parsed) }
        var r: OpaquePointer? = nil
        var s: OpaquePointer? = nil
        ECDSA_SIG_get0(parsed, &r, &s)
        guard let r, let s, let width = Int32(exactly: fieldLength) else {
            throw .signingFailed(algorithm, "ECDSA signature without r or s")
        }
        var raw = [UInt8](repeating: 0, count: fieldLength * 2)
        let written = raw.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return BN_bn2binpad(r, base, width) == width && BN_bn2binpad(s, base + fieldLength, width) == width
        }
        guard written else {
            throw .signingFailed(algorithm, OpenSSLFailure.drain(fallback: "r or s longer than the field"))
        }
        return raw
    }
}
