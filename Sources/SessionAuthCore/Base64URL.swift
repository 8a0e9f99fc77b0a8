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
        let bytes = Array(text)
        return decode(bytes.span)
    }

    /// The same over bytes in place: a token's three segments at every CONNECT (~600 characters for an
    /// RS256 token). Four characters per step into an array made at its final size; a character at a
    /// time with an append per byte cost ~24 instructions a character (callgrind, docs/PERFORMANCE.md).
    public static func decode(_ text: Span<UInt8>) -> [UInt8]? {
        let count = text.count
        let leftOver = count & 3
        // One character alone carries 6 bits, less than a byte: no encoder produces it.
        guard leftOver != 1 else { return nil }
        let wholeGroupsEnd = count &- leftOver
        var output = [UInt8](repeating: 0, count: wholeGroupsEnd / 4 * 3 + (leftOver == 0 ? 0 : leftOver - 1))
        let values = sextets.span
        // Every invalid byte maps to 0xff: one test of the high bit at the end refuses the whole text.
        var seen: UInt8 = 0
        var written = 0
        do {
            var out = output.mutableSpan
            var index = 0
            // The reads and writes skip the spans' bounds checks because the loop keeps them in bounds:
            // `index` steps by 4 while `index < wholeGroupsEnd <= count`, so `index + 3 < count`; `written`
            // steps by 3 and reaches `wholeGroupsEnd / 4 * 3 <= output.count` only after the last step; a
            // table index is a byte, and `sextets` has 256 entries.
            while index < wholeGroupsEnd {
                let a = unsafe values[unchecked: Int(text[unchecked: index])]
                let b = unsafe values[unchecked: Int(text[unchecked: index &+ 1])]
                let c = unsafe values[unchecked: Int(text[unchecked: index &+ 2])]
                let d = unsafe values[unchecked: Int(text[unchecked: index &+ 3])]
                seen |= a | b | c | d
                let group = UInt32(a) &<< 18 | UInt32(b) &<< 12 | UInt32(c) &<< 6 | UInt32(d)
                unsafe out[unchecked: written] = UInt8(truncatingIfNeeded: group &>> 16)
                unsafe out[unchecked: written &+ 1] = UInt8(truncatingIfNeeded: group &>> 8)
                unsafe out[unchecked: written &+ 2] = UInt8(truncatingIfNeeded: group)
                index &+= 4
                written &+= 3
            }
            switch leftOver {
            case 2:
                let a = values[Int(text[index])]
                let b = values[Int(text[index + 1])]
                seen |= a | b
                // 12 bits carry one byte; the 4 left over must be zero or "AB" and "AA" would both mean [0].
                seen |= b & 0x0f == 0 ? 0 : 0x80
                out[written] = a &<< 2 | (b & 0x3f) &>> 4
            case 3:
                let a = values[Int(text[index])]
                let b = values[Int(text[index + 1])]
                let c = values[Int(text[index + 2])]
                seen |= a | b | c
                seen |= c & 0x03 == 0 ? 0 : 0x80
                out[written] = a &<< 2 | (b & 0x3f) &>> 4
                out[written + 1] = b &<< 4 | (c & 0x3f) &>> 2
            default:
                break
            }
        }
        guard seen & 0x80 == 0 else { return nil }
        return output
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
