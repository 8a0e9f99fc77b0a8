/// A JSON parser for text from unauthenticated clients (token headers and payloads): RFC 8259 with the
/// strictness of I-JSON (RFC 7493), total on any input — it returns an error, it never traps.
///
/// Refused beyond plain RFC 8259 syntax errors: invalid UTF-8 anywhere (overlong forms, UTF-8-encoded
/// surrogates, code points above U+10FFFF), `\u` escapes that leave a surrogate unpaired, duplicate
/// member names (compared as decoded bytes: two parsers that keep the first or the last duplicate would
/// otherwise read different claims out of one signed token), numbers that no `Double` can hold
/// (`1e400`), and nesting deeper than `maxDepth`.
public enum StrictJSONParser {
    /// The deepest nesting allowed whatever `maxDepth` asks for. Parsing, comparing and freeing a value
    /// each recurse once per level, so the bound keeps the broker's stack safe.
    public static let depthCeiling = 512

    /// RFC 8259 §9 lets a parser limit numbers; no claim needs more, and this bounds the work of
    /// converting one (a megabyte of digits would otherwise go to the float parser whole).
    public static let maxNumberLength = 256

    /// Parses exactly one JSON value, optionally surrounded by JSON whitespace. `maxDepth` is the number
    /// of arrays and objects that may enclose one another (0: scalars only); it is capped at `depthCeiling`.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 16) -> Result<JSONValue, JSONError> {
        guard isValidUTF8(bytes) else { return .failure(.invalidUTF8) }
        var reader = JSONReader(bytes: bytes, maxDepth: min(max(maxDepth, 0), depthCeiling))
        return Result { () throws(JSONError) -> JSONValue in try reader.document() }
    }

    /// Parses one JSON object with the same strictness as `parse`, without building it: each member goes
    /// to `take` as it is read, its name as decoded bytes. True for an object, false for JSON that is
    /// not one (nothing is handed over then). On an error some members may have been handed over already.
    public static func forEachMember(
        of bytes: [UInt8], maxDepth: Int = 16, _ take: (ArraySlice<UInt8>, JSONValue) -> Void
    ) -> Result<Bool, JSONError> {
        guard isValidUTF8(bytes) else { return .failure(.invalidUTF8) }
        var reader = JSONReader(bytes: bytes, maxDepth: min(max(maxDepth, 0), depthCeiling))
        return Result { () throws(JSONError) -> Bool in try reader.objectDocument(take) }
    }

    /// UTF-8 as RFC 3629 §4 defines it. Validating the whole text first means every string the reader
    /// copies out is valid, and nothing downstream ever sees a replacement character instead of an error.
    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i < bytes.count {
            let lead = bytes[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            // The range of the second byte is narrower after some lead bytes (RFC 3629 §4):
            // E0 and F0 exclude overlong forms, ED excludes the surrogates, F4 stops at U+10FFFF.
            let trailing: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xbf
            switch lead {
            case 0xc2...0xdf: trailing = 1
            case 0xe0:
                trailing = 2
                low = 0xa0
            case 0xe1...0xec, 0xee...0xef: trailing = 2
            case 0xed:
                trailing = 2
                high = 0x9f
            case 0xf0:
                trailing = 3
                low = 0x90
            case 0xf1...0xf3: trailing = 3
            case 0xf4:
                trailing = 3
                high = 0x8f
            default: return false  // a stray continuation byte, C0/C1 (always overlong), or F5...FF
            }
            guard bytes.count - i > trailing, (low...high).contains(bytes[i + 1]) else { return false }
            var k = 2
            while k <= trailing {
                guard (0x80...0xbf).contains(bytes[i + k]) else { return false }
                k += 1
            }
            i += trailing + 1
        }
        return true
    }
}
