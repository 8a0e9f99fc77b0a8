import COpenSSL

/// Raw r||s (JWS, IEEE P1363) to the DER `ECDSA-Sig-Value` OpenSSL verifies (RFC 3279 §2.2.3).
enum ECDSASignatureDER {
    static func encode(r: [UInt8], s: [UInt8]) -> [UInt8]? {
        guard let signature = ECDSA_SIG_new() else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        defer { ECDSA_SIG_free(signature) }
        guard let rNumber = bigNumber(r) else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        guard let sNumber = bigNumber(s) else {
            BN_free(rNumber)
            OpenSSLErrorQueue.clear()
            return nil
        }
        // On success ECDSA_SIG_set0 owns both numbers (freed with the signature); on failure they are ours.
        guard ECDSA_SIG_set0(signature, rNumber, sNumber) == 1 else {
            BN_free(rNumber)
            BN_free(sNumber)
            OpenSSLErrorQueue.clear()
            return nil
        }
        let length = i2d_ECDSA_SIG(signature, nil)
        guard length > 0 else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_ECDSA_SIG(signature, &cursor)
        }
        guard written == length else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        return der
    }

    private static func bigNumber(_ bytes: [UInt8]) -> OpaquePointer? {
        guard let count = Int32(exactly: bytes.count) else { return nil }
        return bytes.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, count, nil) }
    }
}
