import COpenSSL
import SessionAuthCore

/// SHA-256 from the system OpenSSL (libcrypto).
public struct OpenSSLDigester: PinDigester {
    public init() {}

    public func sha256(_ bytes: [UInt8]) -> [UInt8] {
        let length = Int(SHA256_DIGEST_LENGTH)
        var written: UInt32 = 0
        let digest = [UInt8](unsafeUninitializedCapacity: length) { output, count in
            let ok = bytes.withUnsafeBufferPointer { input in
                EVP_Digest(
                    input.baseAddress, input.count, output.baseAddress, &written, JWSDigest.sha256.messageDigest, nil)
            }
            // EVP_Digest fails only on allocation failure; an empty digest then matches no stored hash.
            count = ok == 1 && written == UInt32(length) ? length : 0
        }
        return digest
    }
}
