import COpenSSL
import SessionAuthCore

/// The text of a private key file. Key pairs are PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), which
/// `openssl pkey` and every JOSE library read; it is not encrypted, since sessionctl runs unattended:
/// the file's mode (0600, in a 0700 folder) is what guards it. An HMAC secret is one line of unpadded
/// base64url, the spelling of its JWK `k`.
extension SigningKey {
    public func privateKeyFileContents() throws(SigningKeyError) -> [UInt8] {
        switch material {
        case .hmacSecret(let secret):
            return Array((Base64URL.encode(secret) + "\n").utf8)
        case .privateKey(let pkey):
            return try Self.pkcs8PEM(pkey)
        }
    }

    /// Reads a key written by `privateKeyFileContents` (or an unencrypted PEM private key from
    /// elsewhere) for `algorithm`; a key of another type, curve or size is refused.
    public static func fromPrivateKeyFile(contents: [UInt8], algorithm: JWSAlgorithm, keyID: String)
        throws(SigningKeyError) -> SigningKey
    {
        if algorithm.keyFamily == .hmac {
            return try hmac(secret: try secret(fromText: contents), algorithm: algorithm, keyID: keyID)
        }
        return try adopting(try privateKey(fromPEM: contents), algorithm: algorithm, keyID: keyID)
    }

    private static func secret(fromText contents: [UInt8]) throws(SigningKeyError) -> [UInt8] {
        var text = contents[...]
        // One trailing line end (or a few, from an editor) is allowed; anything else is not the secret.
        while let last = text.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") {
            text = text.dropLast()
        }
        guard !text.isEmpty, let secret = Base64URL.decode(text) else { throw .invalidSecretText }
        return secret
    }

    private static func pkcs8PEM(_ pkey: OpaquePointer) throws(SigningKeyError) -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else {
            throw .exportFailed(OpenSSLFailure.drain(fallback: "BIO_new"))
        }
        defer { BIO_free(bio) }
        // No cipher: see the type's comment. OpenSSL 3 writes PKCS#8 here, whatever the key type.
        guard PEM_write_bio_PrivateKey(bio, pkey, nil, nil, 0, nil, nil) == 1 else {
            throw .exportFailed(OpenSSLFailure.drain(fallback: "PEM_write_bio_PrivateKey"))
        }
        let pending = BIO_ctrl_pending(bio)
        guard pending > 0, let length = Int32(exactly: pending) else {
            throw .exportFailed("OpenSSL wrote no PEM text")
        }
        var text = [UInt8](repeating: 0, count: Int(length))
        let read = text.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, length) }
        guard read == length else {
            throw .exportFailed(OpenSSLFailure.drain(fallback: "BIO_read"))
        }
        return text
    }

    /// An owned `EVP_PKEY *` from PEM text.
    private static func privateKey(fromPEM contents: [UInt8]) throws(SigningKeyError) -> OpaquePointer {
        guard !contents.isEmpty, let length = Int32(exactly: contents.count) else {
            throw .notAPrivateKey("the file is empty or too large")
        }
        let pkey: OpaquePointer? = contents.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, length) else { return nil }
            defer { BIO_free(bio) }
            // Without a callback OpenSSL would prompt on the terminal for an encrypted key's passphrase;
            // this one answers "no passphrase", so an encrypted key is refused instead.
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in -1 }, nil)
        }
        guard let pkey else {
            throw .notAPrivateKey(OpenSSLFailure.drain(fallback: "OpenSSL could not read it"))
        }
        return pkey
    }
}
