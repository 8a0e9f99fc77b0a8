/// The grammar of RFC 8259 over bytes already known to be valid UTF-8; `StrictJSONParser` is its
/// only user. Every read is bounds-checked through `peek()`, and the nesting depth is checked before
/// each descent, so no input can exhaust the stack.
struct JSONReader {
    private let bytes: [UInt8]
    private let maxDepth: Int
    private var index = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// One value with optional whitespace around it, and nothing else.
    mutating func document() throws(JSONError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw .emptyInput }
        let result = try value(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw .trailingContent }
        return result
    }

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipWhitespace() {
        // RFC 8259 §2: space, tab, line feed, carriage return — nothing else (no NBSP, no BOM).
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d {
            index += 1
        }
    }

    /// `depth` is the number of arrays and objects enclosing the value.
    private mutating func value(depth: Int) throws(JSONError) -> JSONValue {
        guard let byte = peek() else { throw .unexpectedEnd }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(String(decoding: try string(), as: UTF8.self))
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw .expectedValue  // also `+1`, `.5`, `NaN`, `Infinity`, `'a'`
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONError) {
        let length = word.utf8CodeUnitCount
        let matches = word.withUTF8Buffer { expected in
            bytes.count - index >= length && bytes[index..<(index + length)].elementsEqual(expected)
        }
        guard matches else { throw .invalidLiteral }
        index += length
    }

    private mutating func array(depth: Int) throws(JSONError) -> JSONValue {
        guard depth < maxDepth else { throw .tooDeep(limit: maxDepth) }
        index += 1  // '['
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return .array([])
        }
        var elements: [JSONValue] = []
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            guard let byte = peek() else { throw .unexpectedEnd }
            index += 1
            switch byte {
            case UInt8(ascii: ","): continue  // `[1,]` then fails in value(): a value must follow
            case UInt8(ascii: "]"): return .array(elements)
            default: throw .expectedCommaOrClose
            }
        }
    }

    private mutating func object(depth: Int) throws(JSONError) -> JSONValue {
        var members: [(String, JSONValue)] = []
        try forEachMember(depth: depth) { name, value in
            // Room for a token's header or claim set at once: growing 1, 2, 4, 8 copied the members each time.
            if members.isEmpty { members.reserveCapacity(8) }
            members.append((String(decoding: name, as: UTF8.self), value))
        }
        return .object(members)
    }

    /// One object and nothing else (whitespace aside), its members handed to `take` as they are read
    /// instead of collected: the caller keeps what it needs. Nothing is handed over for text that is JSON
    /// but not an object (the answer is then false); an error may come after some members were handed over.
    mutating func objectDocument(_ take: (ArraySlice<UInt8>, JSONValue) -> Void) throws(JSONError) -> Bool {
        skipWhitespace()
        guard let first = peek() else { throw .emptyInput }
        let isObject = first == UInt8(ascii: "{")
        if isObject { try forEachMember(depth: 0, take) } else { _ = try value(depth: 0) }
        skipWhitespace()
        guard index == bytes.count else { throw .trailingContent }
        return isObject
    }

    /// The members of the object at `index` (its `{`), each with its name as decoded bytes, in order.
    private mutating func forEachMember(depth: Int, _ take: (ArraySlice<UInt8>, JSONValue) -> Void)
        throws(JSONError)
    {
        guard depth < maxDepth else { throw .tooDeep(limit: maxDepth) }
        index += 1  // '{'
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        // Small objects (every JOSE header and claim set) are checked for a repeated name by comparing
        // with the names so far; past `namesCompared` members the names go into a set, so a megabyte-sized
        // object still costs linear time. Swift's hasher is seeded per process: chosen names cannot force
        // collisions.
        var earlierNames: [ArraySlice<UInt8>] = []
        var names: Set<[UInt8]>? = nil
        while true {
            skipWhitespace()
            guard let byte = peek() else { throw .unexpectedEnd }
            guard byte == UInt8(ascii: "\"") else { throw .expectedMemberName }
            let name = try string()
            // Decoded bytes: `"a"` and `"\u0061"` are the same name (RFC 7493 §2.3).
            if var seen = names {
                names = nil  // hands the storage over, so the insert does not copy the set
                guard seen.insert(Array(name)).inserted else { throw .duplicateMemberName }
                names = seen
            } else {
                guard !earlierNames.contains(where: { $0.count == name.count && $0.elementsEqual(name) }) else {
                    throw .duplicateMemberName
                }
                if earlierNames.isEmpty { earlierNames.reserveCapacity(Self.namesCompared) }
                earlierNames.append(name)
                if earlierNames.count == Self.namesCompared {
                    names = Set(earlierNames.map { Array($0) })
                    earlierNames = []
                }
            }
            skipWhitespace()
            guard let colon = peek() else { throw .unexpectedEnd }
            guard colon == UInt8(ascii: ":") else { throw .expectedColon }
            index += 1
            skipWhitespace()
            take(name, try value(depth: depth + 1))
            skipWhitespace()
            guard let next = peek() else { throw .unexpectedEnd }
            index += 1
            switch next {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "}"): return
            default: throw .expectedCommaOrClose
            }
        }
    }

    /// Members an object may have before repeated names are found through a set instead of by comparison.
    static let namesCompared = 16

    /// The decoded UTF-8 of a string starting at its opening quote. A string without escapes (nearly
    /// every one in a token) is the run of bytes up to the closing quote, returned without a copy.
    private mutating func string() throws(JSONError) -> ArraySlice<UInt8> {
        index += 1  // '"'
        let start = index
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                return bytes[start..<(index - 1)]
            case UInt8(ascii: "\\"):
                var out = Array(bytes[start..<index])
                try appendEscapedRest(to: &out)
                return out[...]
            case 0x00..<0x20: throw .controlCharacterInString  // RFC 8259 §7: these must be escaped
            default: index += 1  // UTF-8 already validated as a whole
            }
        }
        throw .unexpectedEnd
    }

    /// The rest of a string from its first backslash, appended to `out` decoded.
    private mutating func appendEscapedRest(to out: inout [UInt8]) throws(JSONError) {
        while true {
            guard let byte = peek() else { throw .unexpectedEnd }
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return
            case UInt8(ascii: "\\"): try escape(into: &out)
            case 0x00..<0x20: throw .controlCharacterInString
            default: out.append(byte)
            }
        }
    }

    private mutating func escape(into out: inout [UInt8]) throws(JSONError) {
        guard let byte = peek() else { throw .unexpectedEnd }
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(byte)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0c)
        case UInt8(ascii: "n"): out.append(0x0a)
        case UInt8(ascii: "r"): out.append(0x0d)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try hexQuad()
            let codePoint: UInt32
            switch unit {
            case 0xd800...0xdbff:
                // A high surrogate counts only as the first half of `\uD8xx\uDCxx` (RFC 8259 §7, RFC 7493 §2.1).
                guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u")
                else { throw .unpairedSurrogate }
                index += 2
                let low = try hexQuad()
                guard (0xdc00...0xdfff).contains(low) else { throw .unpairedSurrogate }
                codePoint = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00)  // at most 0x10FFFF
            case 0xdc00...0xdfff:
                throw .unpairedSurrogate
            default:
                codePoint = unit
            }
            guard let scalar = Unicode.Scalar(codePoint) else { throw .unpairedSurrogate }
            UTF8.encode(scalar) { out.append($0) }
        default:
            throw .invalidEscape  // `\a`, `\x41`, `\'`, `\U0041`, `\0`, and a backslash before a raw byte
        }
    }

    /// Exactly four hex digits, either case, as the value of one UTF-16 code unit.
    private mutating func hexQuad() throws(JSONError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw .unexpectedEnd }
        var unit: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            default: throw .invalidEscape
            }
            unit = unit << 4 | UInt32(digit)
            index += 1
        }
        return unit
    }

    /// RFC 8259 §6: `-? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?`.
    private mutating func number() throws(JSONError) -> JSONValue {
        let start = index
        let negative = peek() == UInt8(ascii: "-")
        if negative { index += 1 }
        let integerStart = index
        guard let first = peek(), Self.isDigit(first) else { throw .invalidNumber }  // `-`, `-a`, `-.5`
        index += 1
        if first == UInt8(ascii: "0") {
            if let next = peek(), Self.isDigit(next) { throw .invalidNumber }  // leading zero: `01`, `-00`
        } else {
            skipDigits()
        }
        let integerEnd = index
        var isInteger = true
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard let digit = peek(), Self.isDigit(digit) else { throw .invalidNumber }  // `5.`, `5.e3`
            skipDigits()
            isInteger = false
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard let digit = peek(), Self.isDigit(digit) else { throw .invalidNumber }  // `1e`, `1e+`
            skipDigits()
            isInteger = false
        }
        guard index - start <= StrictJSONParser.maxNumberLength else {
            throw .numberTooLong(limit: StrictJSONParser.maxNumberLength)
        }
        if isInteger, let exact = Self.int64(bytes[integerStart..<integerEnd], negative: negative) {
            return .integer(exact)  // `-0` lands here as 0: Int64 has no negative zero
        }
        // The grammar above is a subset of what the standard library's parser accepts, so it sees only
        // JSON numbers; it rounds correctly and gives ±infinity (or nil) when out of range.
        guard let double = Double(String(decoding: bytes[start..<index], as: UTF8.self)), double.isFinite else {
            throw .numberOutOfRange
        }
        return .number(double)
    }

    private mutating func skipDigits() {
        while let byte = peek(), Self.isDigit(byte) { index += 1 }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// The digits as an Int64, or nil when they do not fit. Accumulated as a negative number, whose
    /// range is one larger, so -9223372036854775808 fits.
    private static func int64(_ digits: ArraySlice<UInt8>, negative: Bool) -> Int64? {
        var value: Int64 = 0
        for byte in digits {
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = shifted.subtractingReportingOverflow(Int64(byte &- UInt8(ascii: "0")))
            guard !overflowA, !overflowB else { return nil }
            value = next
        }
        if negative { return value }
        let (positive, overflow) = Int64(0).subtractingReportingOverflow(value)
        return overflow ? nil : positive
    }
}
