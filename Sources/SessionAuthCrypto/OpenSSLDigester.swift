import COpenSSL
import SessionAuthCore

/// SHA-256 from the system OpenSSL (libcrypto).
public struct OpenSSLDigester: PinDigester {
    public init() {}

    public func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, EVP_sha256(), nil)
            }
        }
        // EVP_Digest fails only on allocation failure; an empty digest then matches no stored hash.
        guard ok == 1 else { return [] }
        return Array(digest.prefix(Int(length)))
    }
}
