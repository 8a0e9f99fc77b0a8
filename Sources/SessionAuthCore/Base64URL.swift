/// Base64url without padding, as JWS uses it (RFC 7515 §2, RFC 4648 §5), strict on input.
///
/// Decoding accepts exactly the output of `encode`: the url-safe alphabet only, no `=`, no whitespace,
/// and the unused low bits of a final partial group must be zero. Every byte string therefore has one
/// accepted spelling, so a token cannot be re-spelled into a different string that still verifies
/// (which would defeat anything keyed on the token text, such as a cache or a revocation list).
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        // Capped: a capacity is only a hint, and an absurd count must not overflow the arithmetic.
        out.reserveCapacity(min(bytes.count, 1 << 20) / 3 * 4 + 4)
        var group: UInt32 = 0
        var filled = 0
        for byte in bytes {
            group = group << 8 | UInt32(byte)
            filled += 1
            if filled == 3 {
                appendSextets(of: group, count: 4, to: &out)
                group = 0
                filled = 0
            }
        }
        // A partial group is padded with zero bits on the right: 1 byte -> 2 characters, 2 -> 3.
        switch filled {
        case 1: appendSextets(of: group << 4, count: 2, to: &out)
        case 2: appendSextets(of: group << 2, count: 3, to: &out)
        default: break
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Nil unless `text` is the canonical unpadded base64url spelling of some bytes.
    public static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(min(text.count, 1 << 20) / 4 * 3 + 3)
        let values = sextets.span
        var group: UInt32 = 0
        var filled = 0
        var invalidSeen: UInt8 = 0
        for char in text {
            let value = values[Int(char)]
            // Checked once at the end: an invalid byte anywhere refuses the whole text.
            invalidSeen |= value & 0x80
            group = group &<< 6 | UInt32(value & 0x3f)
            filled &+= 1
            if filled == 4 {
                out.append(UInt8(truncatingIfNeeded: group &>> 16))
                out.append(UInt8(truncatingIfNeeded: group &>> 8))
                out.append(UInt8(truncatingIfNeeded: group))
                group = 0
                filled = 0
            }
        }
        guard invalidSeen == 0 else { return nil }
        switch filled {
        case 0:
            return out
        case 2:
            // 12 bits carry one byte; the 4 left over must be zero or "AB" and "AA" would both mean [0].
            guard group & 0x0f == 0 else { return nil }
            out.append(UInt8(truncatingIfNeeded: group >> 4))
            return out
        case 3:
            guard group & 0x03 == 0 else { return nil }
            out.append(UInt8(truncatingIfNeeded: group >> 10))
            out.append(UInt8(truncatingIfNeeded: group >> 2))
            return out
        default:
            // One character alone carries 6 bits, less than a byte: no encoder produces it.
            return nil
        }
    }

    private static func appendSextets(of group: UInt32, count: Int, to out: inout [UInt8]) {
        var shift = 6 * (count - 1)
        while shift >= 0 {
            out.append(alphabet[Int((group >> UInt32(shift)) & 0x3f)])
            shift -= 6
        }
    }

    /// One of the 64 characters of the base64url alphabet (RFC 4648 §5).
    public static func isAlphabetByte(_ byte: UInt8) -> Bool { sextets[Int(byte)] != invalid }

    /// Marks a byte outside the alphabet in `sextets`.
    private static let invalid: UInt8 = 0xff

    /// Each byte's 6-bit value, or `invalid`: a table read per character instead of a chain of range
    /// checks (a token's CONNECT decodes and shape-checks ~500 characters).
    private static let sextets: [UInt8] = (0...255).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return UInt8(byte) &- UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return UInt8(byte) &- UInt8(ascii: "a") &+ 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt8(byte) &- UInt8(ascii: "0") &+ 52
        case UInt8(ascii: "-"): return 62
        case UInt8(ascii: "_"): return 63
        default: return invalid
        }
    }
}
