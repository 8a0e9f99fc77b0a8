/// Lower-case hexadecimal, strict on input (even length, hex digits only).
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 2)
        var iterator = text.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            let value = nibble(high) << 4 | nibble(low)
            // An invalid digit reads as 0x100: the only way past 0xff.
            guard value <= 0xff else { return nil }
            out.append(UInt8(truncatingIfNeeded: value))
        }
        return out
    }

    /// The digit's value, or 0x100 for a byte that is no hex digit (no optional on the pin CONNECT path).
    private static func nibble(_ char: UInt8) -> UInt16 {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt16(char &- UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt16(char &- UInt8(ascii: "a") &+ 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt16(char &- UInt8(ascii: "A") &+ 10)
        default: return 0x100
        }
    }
}

public enum ConstantTime {
    /// Compares without an early exit, so the time taken does not tell how many bytes matched.
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<a.count { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
