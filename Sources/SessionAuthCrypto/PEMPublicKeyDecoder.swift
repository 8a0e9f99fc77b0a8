import COpenSSL

/// Reads the one public key of a PEM text. Every block is looked at, so a file that also carries a
/// private key is refused rather than half-used.
enum PEMPublicKeyDecoder {
    private struct Block {
        let label: String
        let encrypted: Bool
        let der: [UInt8]
    }

    /// Returns an owned `EVP_PKEY *` (the caller frees it).
    static func decode(_ pem: [UInt8]) throws(KeyError) -> OpaquePointer {
        let blocks = try readBlocks(pem)
        var keyBlock: Block? = nil
        for block in blocks {
            if block.label.contains("PRIVATE KEY") { throw .privateKeyPEM }
            if block.label.contains("CERTIFICATE") { throw .certificatePEM }
            if block.encrypted { throw .encryptedPEM }
            switch block.label {
            case "PUBLIC KEY", "RSA PUBLIC KEY":
                guard keyBlock == nil else { throw .multiplePublicKeys }
                keyBlock = block
            case "EC PARAMETERS":
                continue  // `openssl ecparam -genkey` writes these beside the key; the key names its curve
            default:
                throw .unsupportedPEMLabel(block.label)
            }
        }
        guard let keyBlock else { throw .noPEMBlock }
        return try decodeDER(keyBlock.der, pkcs1RSA: keyBlock.label == "RSA PUBLIC KEY")
    }

    private static func readBlocks(_ pem: [UInt8]) throws(KeyError) -> [Block] {
        guard !pem.isEmpty else { throw .noPEMBlock }
        guard let length = Int32(exactly: pem.count) else { throw .malformedKey("PEM text too long") }
        let result: Result<[Block], KeyError> = pem.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, length) else {
                return .failure(.openSSLFailure(OpenSSLErrorQueue.drain(fallback: "BIO_new_mem_buf")))
            }
            defer { BIO_free(bio) }
            var blocks: [Block] = []
            while true {
                switch readBlock(bio) {
                case .success(let block?): blocks.append(block)
                case .success(nil): return .success(blocks)
                case .failure(let error): return .failure(error)
                }
            }
        }
        return try result.get()
    }

    /// The next block, nil at the end of the text.
    private static func readBlock(_ bio: OpaquePointer) -> Result<Block?, KeyError> {
        var name: UnsafeMutablePointer<CChar>? = nil
        var header: UnsafeMutablePointer<CChar>? = nil
        var data: UnsafeMutablePointer<UInt8>? = nil
        var length = 0
        guard PEM_read_bio(bio, &name, &header, &data, &length) == 1 else {
            // Running out of blocks is reported as PEM_R_NO_START_LINE; anything else is damage.
            let reason = ERR_GET_REASON(ERR_peek_last_error())
            OpenSSLErrorQueue.clear()
            return reason == PEM_R_NO_START_LINE ? .success(nil) : .failure(.malformedKey("bad PEM encoding"))
        }
        defer {
            COpenSSL_free(name)
            COpenSSL_free(header)
            COpenSSL_free(data)
        }
        let label = name.map { String(cString: $0) } ?? ""
        let encrypted = header.map { $0.pointee != 0 } ?? false
        var der: [UInt8] = []
        if let data, length > 0 {
            der = Array(UnsafeBufferPointer(start: data, count: length))
        }
        return .success(Block(label: label, encrypted: encrypted, der: der))
    }

    private static func decodeDER(_ der: [UInt8], pkcs1RSA: Bool) throws(KeyError) -> OpaquePointer {
        guard !der.isEmpty else { throw .malformedKey("empty PEM block") }
        let result: Result<OpaquePointer, KeyError> = der.withUnsafeBufferPointer { buffer in
            guard let start = buffer.baseAddress else { return .failure(.malformedKey("empty PEM block")) }
            var cursor: UnsafePointer<UInt8>? = start
            let decoded: OpaquePointer?
            if pkcs1RSA {
                decoded = d2i_PublicKey(EVP_PKEY_RSA, nil, &cursor, buffer.count)
            } else {
                decoded = d2i_PUBKEY(nil, &cursor, buffer.count)
            }
            guard let pkey = decoded else {
                return .failure(.malformedKey(OpenSSLErrorQueue.drain(fallback: "not a DER public key")))
            }
            // d2i stops at the end of the first DER value; bytes after it mean this is not one key.
            guard let cursor, cursor == start + buffer.count else {
                EVP_PKEY_free(pkey)
                OpenSSLErrorQueue.clear()
                return .failure(.malformedKey("trailing bytes after the key"))
            }
            return .success(pkey)
        }
        return try result.get()
    }
}
