import COpenSSL

/// Random bytes from OpenSSL's CSPRNG, for salts.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        let ok = out.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
        return ok == 1 ? out : nil
    }
}
