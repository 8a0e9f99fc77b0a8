/// A JSON value written deterministically and compactly (RFC 8259): no whitespace, object members in
/// the order given, strings escaped as §7 requires and no more. The same value always gives the same
/// bytes, so a token's signing input, a JWKS or a manifest can be compared and tested byte for byte.
///
/// Only what tokens and key files hold: no floating-point numbers (NumericDate claims are whole
/// seconds), so no value can be written in two spellings or fail to be written.
public indirect enum CompactJSON: Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case string(String)
    case array([CompactJSON])
    /// Members in the order they are written; the caller keeps names unique (RFC 8259 §4 "SHOULD").
    case object([(String, CompactJSON)])

    public var bytes: [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        return out
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    private func write(to out: inout [UInt8]) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let value): out += (value ? "true" : "false").utf8
        case .integer(let value): out += String(value).utf8
        case .string(let value): Self.writeString(value, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                element.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, (name, value)) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(name, to: &out)
                out.append(UInt8(ascii: ":"))
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// RFC 8259 §7: `"` and `\` escaped, control characters U+0000–U+001F as their short escape or
    /// `\u00XX`; everything else, non-ASCII included, as its UTF-8 bytes (a Swift string is always
    /// valid UTF-8, so no lone surrogate can reach the output).
    private static func writeString(_ value: String, to out: inout [UInt8]) {
        let hexDigits = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += #"\""#.utf8
            case UInt8(ascii: "\\"): out += #"\\"#.utf8
            case 0x08: out += #"\b"#.utf8
            case 0x0c: out += #"\f"#.utf8
            case 0x0a: out += #"\n"#.utf8
            case 0x0d: out += #"\r"#.utf8
            case 0x09: out += #"\t"#.utf8
            case 0x00..<0x20:
                out += #"\u00"#.utf8
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0f)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
