import SessionAuthCore
import Testing

@Suite struct StrictJSONParserTests {
    private func parse(_ text: String, maxDepth: Int = 16) -> Result<JSONValue, JSONError> {
        StrictJSONParser.parse(Array(text.utf8), maxDepth: maxDepth)
    }

    // MARK: accepted

    @Test(
        arguments: [
            ("null", .null), ("true", .bool(true)), ("false", .bool(false)),
            ("0", .integer(0)), ("-0", .integer(0)), ("7", .integer(7)), ("-123", .integer(-123)),
            ("1300819380", .integer(1_300_819_380)),
            ("9223372036854775807", .integer(.max)), ("-9223372036854775808", .integer(.min)),
            // Past Int64: a finite double, not an error and not a wrapped integer.
            ("9223372036854775808", .number(9_223_372_036_854_775_808)),
            ("-9223372036854775809", .number(-9_223_372_036_854_775_808)),  // the nearest double
            ("1.5", .number(1.5)), ("-1.5e3", .number(-1500)), ("1E2", .number(100)), ("1e+2", .number(100)),
            ("0.0", .number(0)), ("2.5E-1", .number(0.25)), ("1e-400", .number(0)),
            ("1.7976931348623157e308", .number(.greatestFiniteMagnitude)),
            ("\"\"", .string("")), ("\"abc\"", .string("abc")),
            (#""\"\\\/\b\f\n\r\t""#, .string("\"\\/\u{8}\u{c}\n\r\t")),
            (#""\u0041\u00e9\u00E9""#, .string("Aéé")), (#""\u0000""#, .string("\u{0}")),
            (#""\uD83D\uDE00""#, .string("😀")), (#""\udbff\udfff""#, .string("\u{10FFFF}")),
            ("\"é😀\u{7f}\u{10FFFF}\"", .string("é😀\u{7f}\u{10FFFF}")),
            ("[]", .array([])), ("{}", .object([])),
            ("[1,\"a\",null,[true]]", .array([.integer(1), .string("a"), .null, .array([.bool(true)])])),
            (" \t\r\n[ 1 ,\n2 ] \n\t\r ", .array([.integer(1), .integer(2)])),
            ("{\"b\":1,\"a\":{\"c\":[]}}", .object([("b", .integer(1)), ("a", .object([("c", .array([]))]))])),
            // Different bytes, so different names, even though Swift's String `==` calls them equal.
            ("{\"é\":1,\"e\u{301}\":2}", .object([("é", .integer(1)), ("e\u{301}", .integer(2))])),
        ] as [(String, JSONValue)])
    func accepts(text: String, expected: JSONValue) {
        #expect(parse(text) == .success(expected))
    }

    @Test func keepsMemberOrderAndLooksUpNamesAsBytes() throws {
        let value = try parse("{\"z\":1,\"K\":2,\"\u{212A}\":3,\"e\u{301}\":4}").get()
        guard case .object(let members) = value else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.0) == ["z", "K", "\u{212A}", "e\u{301}"])
        #expect(value["K"] == .integer(2))
        #expect(value["\u{212A}"] == .integer(3))  // Kelvin sign: canonically equivalent to "K", other bytes
        #expect(value["é"] == nil)
        #expect(value["e\u{301}"] == .integer(4))
        #expect(value["missing"] == nil)
        #expect(JSONValue.array([.integer(1)])["0"] == nil)
    }

    @Test func equalityIsStructuralAndByteExact() {
        #expect(JSONValue.object([("a", .integer(1)), ("b", .null)]) == .object([("a", .integer(1)), ("b", .null)]))
        #expect(JSONValue.object([("a", .integer(1)), ("b", .null)]) != .object([("b", .null), ("a", .integer(1))]))
        #expect(JSONValue.object([("a", .integer(1))]) != .object([("a", .integer(2))]))
        #expect(JSONValue.object([("a", .integer(1))]) != .object([("a", .integer(1)), ("b", .null)]))
        #expect(JSONValue.string("é") != .string("e\u{301}"))
        #expect(JSONValue.object([("K", .null)]) != .object([("\u{212A}", .null)]))
        #expect(JSONValue.integer(1) != .number(1))
        #expect(JSONValue.array([]) != .object([]))
    }

    // MARK: refused

    @Test(
        arguments: [
            ("", .emptyInput), (" \n\t\r", .emptyInput),
            ("\u{FEFF}1", .expectedValue),  // a BOM is not JSON whitespace
            ("\u{A0}1", .expectedValue), ("\u{C}1", .expectedValue), ("\u{B}1", .expectedValue),
            ("// c\n1", .expectedValue), ("'a'", .expectedValue), ("undefined", .expectedValue),
            // Literals are lower case and whole.
            ("True", .expectedValue), ("NULL", .expectedValue), ("tru", .invalidLiteral), ("nul", .invalidLiteral),
            ("fals", .invalidLiteral), ("nulL", .invalidLiteral), ("falsey", .trailingContent),
            // After the value only whitespace.
            ("1 2", .trailingContent), ("[1]]", .trailingContent), ("{}{}", .trailingContent),
            ("1\u{0}", .trailingContent),
            ("\"a\"x", .trailingContent), ("null,", .trailingContent),
            // Arrays and objects.
            ("[", .unexpectedEnd), ("[1", .unexpectedEnd), ("[1,", .unexpectedEnd), ("{", .unexpectedEnd),
            ("{\"a\"", .unexpectedEnd), ("{\"a\":", .unexpectedEnd), ("{\"a\":1", .unexpectedEnd),
            ("[1,]", .expectedValue), ("[,1]", .expectedValue), ("[1,,2]", .expectedValue),
            ("[1 2]", .expectedCommaOrClose),
            ("[1:2]", .expectedCommaOrClose), ("[1}", .expectedCommaOrClose), ("{\"a\":1]", .expectedCommaOrClose),
            ("{\"a\":1 \"b\":2}", .expectedCommaOrClose), ("{\"a\" 1}", .expectedColon), ("{\"a\"=1}", .expectedColon),
            ("{a:1}", .expectedMemberName), ("{'a':1}", .expectedMemberName), ("{1:2}", .expectedMemberName),
            ("{\"a\":1,}", .expectedMemberName), ("{,}", .expectedMemberName), ("{\"a\":}", .expectedValue),
            // Strings.
            ("\"abc", .unexpectedEnd), ("\"\\", .unexpectedEnd), ("\"\\u12\"", .unexpectedEnd),
            ("\"a\u{0}b\"", .controlCharacterInString), ("\"\t\"", .controlCharacterInString),
            ("\"\n\"", .controlCharacterInString), ("\"\r\"", .controlCharacterInString),
            ("\"\u{1F}\"", .controlCharacterInString),
            (#""\a""#, .invalidEscape), (#""\x41""#, .invalidEscape), (#""\'""#, .invalidEscape),
            (#""\U0041""#, .invalidEscape), (#""\0""#, .invalidEscape), (#""\u12G4""#, .invalidEscape),
            (#""\u 123""#, .invalidEscape), (#""\u+123""#, .invalidEscape), ("\"\\\u{0}\"", .invalidEscape),
            ("\"\\é\"", .invalidEscape),
            (#""\uD800""#, .unpairedSurrogate), (#""\uDBFF""#, .unpairedSurrogate), (#""\uDC00""#, .unpairedSurrogate),
            (#""\uDFFF""#, .unpairedSurrogate), (#""\uD800\u0041""#, .unpairedSurrogate),
            (#""\uD800\uD800""#, .unpairedSurrogate), (#""\uDE00\uD83D""#, .unpairedSurrogate),
            (#""\uD83Dx""#, .unpairedSurrogate), (#""\uD800\n""#, .unpairedSurrogate),
            (#""a\uDC00b""#, .unpairedSurrogate),
            // Numbers (RFC 8259 §6).
            ("01", .invalidNumber), ("00", .invalidNumber), ("-01", .invalidNumber), ("-00", .invalidNumber),
            ("007", .invalidNumber), ("5.", .invalidNumber), ("5.e3", .invalidNumber), ("-", .invalidNumber),
            ("-a", .invalidNumber), ("-.5", .invalidNumber), ("1e", .invalidNumber), ("1e+", .invalidNumber),
            ("1E-", .invalidNumber), ("1ee2", .invalidNumber), ("-Infinity", .invalidNumber), ("--1", .invalidNumber),
            ("+1", .expectedValue), (".5", .expectedValue), ("NaN", .expectedValue), ("Infinity", .expectedValue),
            ("0x10", .trailingContent), ("1_000", .trailingContent), ("1.5.3", .trailingContent),
            ("1e2.5", .trailingContent),
            ("1e400", .numberOutOfRange), ("-1e400", .numberOutOfRange), ("1.8e308", .numberOutOfRange),
            ("[1e999999999999999999999]", .numberOutOfRange),
            (String(repeating: "9", count: 257), .numberTooLong(limit: 256)),
            ("0." + String(repeating: "1", count: 300), .numberTooLong(limit: 256)),
            // Duplicate names, compared after decoding escapes (RFC 7493 §2.3).
            ("{\"a\":1,\"a\":2}", .duplicateMemberName), (#"{"a":1,"\u0061":1}"#, .duplicateMemberName),
            ("{\"\":1,\"\":2}", .duplicateMemberName), ("{\"a\":{\"b\":1,\"b\":1}}", .duplicateMemberName),
            ("[{\"alg\":\"HS256\",\"x\":0,\"alg\":\"none\"}]", .duplicateMemberName),
            (#"{"😀":1,"\uD83D\uDE00":2}"#, .duplicateMemberName),
            // Around the member count where repeated names stop being found by comparison and go to a set:
            // the repeat of the first name as member 15, 16, 17 and 40, and an escaped spelling past it.
            (Self.object(members: 14, then: "k0"), .duplicateMemberName),
            (Self.object(members: 15, then: "k0"), .duplicateMemberName),
            (Self.object(members: 16, then: "k0"), .duplicateMemberName),
            (Self.object(members: 39, then: "k15"), .duplicateMemberName),
            (Self.object(members: 30, then: #"\u006b3"#), .duplicateMemberName),
        ] as [(String, JSONError)])
    func refuses(text: String, error: JSONError) {
        #expect(parse(text) == .failure(error))
    }

    /// `{"k0":0,…,"k<members-1>":0,"<then>":1}`.
    static func object(members: Int, then name: String) -> String {
        "{" + (0..<members).map { "\"k\($0)\":0," }.joined() + "\"\(name)\":1}"
    }

    @Test(arguments: [14, 15, 16, 17, 40])
    func objectsWithDistinctNamesParseWhateverTheirSize(members: Int) throws {
        guard case .success(.object(let parsed)) = parse(Self.object(members: members, then: "last")) else {
            Issue.record("an object of \(members + 1) distinct names was refused")
            return
        }
        #expect(parsed.count == members + 1)
        #expect(parsed.last?.0 == "last")
    }

    @Test func canonicallyEquivalentNamesAreDistinctNames() {
        // "K" and the Kelvin sign are equal as Swift strings but are different names, as bytes.
        let text = "{\"K\":1,\"\u{212A}\":2}"
        guard case .success(.object(let parsed)) = parse(text) else {
            Issue.record("refused")
            return
        }
        #expect(parsed.count == 2)
    }

    @Test(
        arguments: [
            [0xc0, 0xaf], [0xc1, 0xbf],  // overlong two-byte forms
            [0xe0, 0x80, 0xaf], [0xe0, 0x9f, 0xbf],  // overlong three-byte forms
            [0xf0, 0x80, 0x80, 0xaf], [0xf0, 0x8f, 0xbf, 0xbf],  // overlong four-byte forms
            // Surrogates, alone or paired.
            [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80],
            [0xf4, 0x90, 0x80, 0x80], [0xf7, 0xbf, 0xbf, 0xbf],  // above U+10FFFF
            [0xf5], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xfe], [0xff],  // bytes that never occur
            [0x80], [0xbf], [0x41, 0x80],  // a continuation byte with no lead
            [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98],  // truncated
            [0xc3, 0x41], [0xe2, 0x41, 0xac], [0xe2, 0x82, 0xc3, 0xa9], [0xf0, 0x9f, 0x41, 0x80],  // bad continuation
        ] as [[UInt8]])
    func refusesInvalidUTF8InAString(sequence: [UInt8]) {
        let quoted: [UInt8] = [UInt8(ascii: "\"")] + sequence + [UInt8(ascii: "\"")]
        #expect(StrictJSONParser.parse(quoted) == .failure(.invalidUTF8))
        // Outside a string too: validation covers the whole text, not only what the grammar reaches.
        #expect(StrictJSONParser.parse(Array("[1] ".utf8) + sequence) == .failure(.invalidUTF8))
    }

    @Test(
        arguments: [
            ([0xc2, 0x80], "\u{80}"), ([0xdf, 0xbf], "\u{7FF}"), ([0xe0, 0xa0, 0x80], "\u{800}"),
            ([0xed, 0x9f, 0xbf], "\u{D7FF}"), ([0xee, 0x80, 0x80], "\u{E000}"), ([0xef, 0xbf, 0xbf], "\u{FFFF}"),
            ([0xf0, 0x90, 0x80, 0x80], "\u{10000}"), ([0xf4, 0x8f, 0xbf, 0xbf], "\u{10FFFF}"),
        ] as [([UInt8], String)])
    func acceptsUTF8AtTheEdgesOfEachRange(sequence: [UInt8], expected: String) {
        let quoted: [UInt8] = [UInt8(ascii: "\"")] + sequence + [UInt8(ascii: "\"")]
        #expect(StrictJSONParser.parse(quoted) == .success(.string(expected)))
    }

    // MARK: depth and size

    private func nested(_ depth: Int, open: String = "[", close: String = "]", inner: String = "") -> String {
        String(repeating: open, count: depth) + inner + String(repeating: close, count: depth)
    }

    @Test func depthLimitCountsEnclosingArraysAndObjects() {
        #expect(parse(nested(16)).isParsed)
        #expect(parse(nested(17)) == .failure(.tooDeep(limit: 16)))
        #expect(parse(nested(16, open: "{\"a\":", close: "}", inner: "1")).isParsed)
        #expect(parse(nested(17, open: "{\"a\":", close: "}", inner: "1")) == .failure(.tooDeep(limit: 16)))
        #expect(parse(nested(8, open: "[{\"a\":", close: "}]", inner: "1")).isParsed)
        #expect(parse(nested(9, open: "[{\"a\":", close: "}]", inner: "1")) == .failure(.tooDeep(limit: 16)))
        #expect(parse(nested(3), maxDepth: 3).isParsed)
        #expect(parse(nested(4), maxDepth: 3) == .failure(.tooDeep(limit: 3)))
        #expect(parse("1", maxDepth: 0) == .success(.integer(1)))
        #expect(parse("[]", maxDepth: 0) == .failure(.tooDeep(limit: 0)))
        #expect(parse("{}", maxDepth: -5) == .failure(.tooDeep(limit: 0)))
        // Siblings do not add up: depth is nesting, not count.
        #expect(parse("[" + String(repeating: "[[]],", count: 1000) + "[]]", maxDepth: 3).isParsed)
    }

    @Test func depthIsCappedWhateverTheCallerAsks() {
        let ceiling = StrictJSONParser.depthCeiling
        #expect(ceiling == 512)
        #expect(parse(nested(ceiling), maxDepth: .max).isParsed)
        #expect(parse(nested(ceiling + 1), maxDepth: .max) == .failure(.tooDeep(limit: ceiling)))
    }

    @Test(arguments: [16, Int.max])
    func hundredThousandOpenBracketsAreRefusedWithoutCrashing(maxDepth: Int) {
        let limit = min(maxDepth, StrictJSONParser.depthCeiling)
        #expect(parse(String(repeating: "[", count: 100_000), maxDepth: maxDepth) == .failure(.tooDeep(limit: limit)))
        #expect(parse(nested(100_000), maxDepth: maxDepth) == .failure(.tooDeep(limit: limit)))
        #expect(
            parse(String(repeating: "{\"a\":", count: 100_000), maxDepth: maxDepth) == .failure(.tooDeep(limit: limit)))
    }

    @Test func aMegabyteOfGarbageIsRefusedQuickly() {
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        var random = [UInt8](repeating: 0, count: 1 << 20)
        for i in random.indices {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            random[i] = UInt8(truncatingIfNeeded: state >> 56)
        }
        let inputs: [[UInt8]] = [
            random,
            random.map { $0 & 0x7f },  // valid UTF-8, still garbage
            Array(String(repeating: "9", count: 1 << 20).utf8),
            Array(("[" + String(repeating: "1,", count: 1 << 19)).utf8),  // never closed
            Array(("\"" + String(repeating: "\\u00e9", count: 1 << 17)).utf8),  // never closed
            Array(("{" + (0..<50_000).map { "\"k\($0)\":0," }.joined() + "\"k7\":1}").utf8),  // late duplicate
        ]
        let clock = ContinuousClock()
        for input in inputs {
            var result: Result<JSONValue, JSONError> = .success(.null)
            let elapsed = clock.measure { result = StrictJSONParser.parse(input) }
            #expect(!result.isParsed)
            #expect(elapsed < .seconds(5))
        }
    }

    // MARK: errors

    @Test func errorDescriptionsNameTheFaultAndNeverTheInput() {
        let secret = "s3cr3t-marker"
        let inputs = [
            "{\"\(secret)\":1,\"\(secret)\":2}", "[\"\(secret)\" \"x\"]", "\"\(secret)\u{1}\"", "\(secret)",
            "{\"\(secret)\" 1}", "1\(secret)", "\"\\\(secret)\"",
        ]
        for input in inputs {
            guard case .failure(let error) = parse(input) else {
                Issue.record("accepted: \(input)")
                continue
            }
            #expect(!error.description.contains(secret))
            #expect(!error.description.isEmpty)
        }
        #expect(JSONError.duplicateMemberName.description == "duplicate member name in an object")
        #expect(JSONError.tooDeep(limit: 16).description == "arrays and objects nested deeper than 16 levels")
        #expect(JSONError.invalidUTF8.description == "not valid UTF-8")
    }
}

extension Result<JSONValue, JSONError> {
    fileprivate var isParsed: Bool {
        if case .success = self { return true }
        return false
    }
}
