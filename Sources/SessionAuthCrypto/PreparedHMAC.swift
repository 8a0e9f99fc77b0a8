import COpenSSL
import SessionAuthCore
import Synchronization

/// An HMAC secret keyed once per hash when the key is loaded, so a token check restarts a ready
/// context instead of asking OpenSSL's providers for HMAC and the digest again: the one-shot `HMAC()`
/// fetched both on every call (measured: ~30,000 of an HS256 CONNECT's broker instructions).
final class PreparedHMAC: @unchecked Sendable {
    /// Keyed `EVP_MAC_CTX`s, owned here and never updated: a check that finds the working contexts
    /// busy works on its own duplicate, so checks on several threads (the tests) share nothing mutable.
    private let keyed: [(digest: JWSDigest, context: OpaquePointer)]
    /// A second keyed context per hash, reused by one check at a time (`working`) and reset to the key
    /// before each: duplicating a context and freeing it cost ~4,500 of an HS256 CONNECT's instructions.
    /// The broker checks tokens on one thread, so this is the context it always gets.
    private let reusable: [(digest: JWSDigest, context: OpaquePointer)]
    private let working = Atomic<Bool>(false)
    /// The secret's length in bytes (RFC 7518 §3.2 asks at least the hash's output per algorithm).
    let secretLength: Int

    /// Keys a context for each hash the secret is long enough for (RFC 7518 §3.2); a hash whose
    /// context OpenSSL could not make has none, and its tokens are refused.
    init(secret: [UInt8]) {
        var keyed: [(digest: JWSDigest, context: OpaquePointer)] = []
        var reusable: [(digest: JWSDigest, context: OpaquePointer)] = []
        for digest in [JWSDigest.sha256, .sha384, .sha512] where secret.count >= digest.outputLength {
            guard let context = Self.keyedContext(secret: secret, digest: digest) else { continue }
            keyed.append((digest, context))
            if let copy = EVP_MAC_CTX_dup(context) {
                reusable.append((digest, copy))
            } else {
                OpenSSLErrorQueue.clear()
            }
        }
        self.keyed = keyed
        self.reusable = reusable
        secretLength = secret.count
    }

    deinit {
        for entry in keyed + reusable { EVP_MAC_CTX_free(entry.context) }
    }

    /// The MAC of `message` under `digest`, or nil when there is no context for it or OpenSSL fails.
    func mac(_ digest: JWSDigest, of message: [UInt8]) -> [UInt8]? {
        guard let template = keyed.first(where: { $0.digest == digest })?.context else { return nil }
        if working.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            defer { working.store(false, ordering: .releasing) }
            // Initialising without a key restarts the MAC under the key the context already holds.
            if let context = reusable.first(where: { $0.digest == digest })?.context,
                EVP_MAC_init(context, nil, 0, nil) == 1
            {
                return Self.mac(digest, of: message, in: context)
            }
            OpenSSLErrorQueue.clear()
        }
        guard let context = EVP_MAC_CTX_dup(template) else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        defer { EVP_MAC_CTX_free(context) }
        return Self.mac(digest, of: message, in: context)
    }

    private static func mac(_ digest: JWSDigest, of message: [UInt8], in context: OpaquePointer) -> [UInt8]? {
        let length = digest.outputLength
        let mac = [UInt8](unsafeUninitializedCapacity: length) { output, count in
            var written = 0
            let updated = message.withUnsafeBufferPointer { input in
                EVP_MAC_update(context, input.baseAddress, input.count) == 1
            }
            let finished = updated && EVP_MAC_final(context, output.baseAddress, &written, length) == 1
            count = finished && written == length ? length : 0
        }
        guard mac.count == length else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        return mac
    }

    private static func keyedContext(secret: [UInt8], digest: JWSDigest) -> OpaquePointer? {
        guard let algorithm = hmacAlgorithm, let context = EVP_MAC_CTX_new(algorithm) else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        var digestName = Array(digest.name.utf8CString)
        let keyed = digestName.withUnsafeMutableBufferPointer { name in
            // The parameter keeps pointers to its name and value until EVP_MAC_init returns: both live
            // for this whole scope (the name is a static string).
            let parameterName = UnsafeRawPointer(digestParameterName.utf8Start).assumingMemoryBound(to: CChar.self)
            var parameters = [
                OSSL_PARAM_construct_utf8_string(parameterName, name.baseAddress, 0), OSSL_PARAM_construct_end(),
            ]
            return secret.withUnsafeBufferPointer { key in
                EVP_MAC_init(context, key.baseAddress, key.count, &parameters) == 1
            }
        }
        guard keyed else {
            EVP_MAC_CTX_free(context)
            OpenSSLErrorQueue.clear()
            return nil
        }
        return context
    }
}

/// OSSL_MAC_PARAM_DIGEST, as a string with a static address.
private let digestParameterName: StaticString = "digest"

/// Fetched from the provider once for the process.
private nonisolated(unsafe) let hmacAlgorithm: OpaquePointer? = EVP_MAC_fetch(nil, "HMAC", nil)
