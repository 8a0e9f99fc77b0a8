import Glibc
import SessionAuthCore
import SessionAuthCrypto

/// New kids: `<alg lowercase>-<yyyymmdd UTC>-<6 random base64url characters>`, e.g.
/// `es256-20250101-Ab3_x9`. The algorithm and date tell an operator which key a token names; the
/// random part (36 bits) keeps two keys made the same day apart, and is checked against every kid
/// the directory ever had.
enum KeyIDMaker {
    static func make(_ algorithm: JWSAlgorithm, now: Int64, avoiding taken: [KeyRecord]) throws(KeyRingError) -> String
    {
        let prefix = "\(algorithm.rawValue.lowercased())-\(day(now))-"
        for _ in 0..<16 {
            guard let random = SecureRandom.bytes(6) else { throw .randomUnavailable }
            let keyID = prefix + Base64URL.encode(random).prefix(6)
            if !taken.contains(where: { $0.keyID.utf8.elementsEqual(keyID.utf8) }) { return keyID }
        }
        // 16 collisions in a 2^36 space means the generator is broken, not unlucky.
        throw .randomUnavailable
    }

    /// `yyyymmdd` of `seconds` in UTC.
    static func day(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return "00000000" }
        let year = Int(parts.tm_year) + 1900
        let month = Int(parts.tm_mon) + 1
        let day = Int(parts.tm_mday)
        return pad(year, 4) + pad(month, 2) + pad(day, 2)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
