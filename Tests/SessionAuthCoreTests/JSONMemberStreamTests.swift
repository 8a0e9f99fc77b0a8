import SeededRandom
import SessionAuthCore
import Testing

/// `StrictJSONParser.forEachMember` reads a claim set without building it; it must accept, refuse and
/// report exactly what `parse` does. Checked on hand-picked texts and on thousands of random mutations of
/// a token's claim set (bytes replaced, inserted and deleted from JSON's own punctuation and escapes).
@Suite struct JSONMemberStreamTests {
    /// What `forEachMember` saw, in the shape `parse` gives: the object, or nil for JSON that is not one.
    private func streamed(_ bytes: [UInt8], maxDepth: Int = 16) -> Result<JSONValue?, JSONError> {
        var members: [(String, JSONValue)] = []
        return StrictJSONParser.forEachMember(of: bytes, maxDepth: maxDepth) {
            members.append((String(decoding: $0, as: UTF8.self), $1))
        }.map { isObject in
            if !isObject { #expect(members.isEmpty, "members handed over for JSON that is no object") }
            return isObject ? .object(members) : nil
        }
    }

    private func agree(_ bytes: [UInt8], maxDepth: Int = 16) -> Bool {
        let tree = StrictJSONParser.parse(bytes, maxDepth: maxDepth)
        switch (tree, streamed(bytes, maxDepth: maxDepth)) {
        case (.failure(let a), .failure(let b)): return a == b
        case (.success(.object(let members)), .success(let object?)): return JSONValue.object(members) == object
        case (.success(let value), .success(nil)):
            if case .object = value { return false }
            return true
        default: return false
        }
    }

    static let claimSet = #"""
        {"sub":"dev0","sid":"s0","role":"device","iat":1796402206,"exp":1796488666,"jti":"jxHsrJ2ku1mPTc8YXZ4SbQ",
         "aud":["mqtt"],"publ":["s0/dt/#"],"x":{"y":[1,2.5,null,true]},"e\u0078p2":"\uD83D\uDE00"}
        """#

    @Test(arguments: [
        claimSet, "{}", " {} ", "{}{}", "{} x", "[]", "1", "\"exp\"", "null", "", "  ", "{", "{\"a\"}", "{\"a\":}",
        "{\"a\":1,}", "{\"a\":1,\"a\":2}", "{\"a\":1,\"\\u0061\":2}", "{\"a\":{\"b\":{\"c\":{}}}}", "{\"a\":[[[[1]]]]}",
        "{\"a\":{}}", "{\"a\":[1]}",
        "{\"a\":1e400}", "{\"a\":\"\\ud800\"}", "\u{FEFF}{}", "{\"K\":1,\"\u{212A}\":2}",
        StrictJSONParserTests.object(members: 16, then: "k3"), StrictJSONParserTests.object(members: 40, then: "last"),
    ])
    func agreesWithTheTreeParser(text: String) {
        #expect(agree(Array(text.utf8)), "\(text)")
        // At the nesting limit and one past it.
        for maxDepth in [0, 1, 2] {
            #expect(agree(Array(text.utf8), maxDepth: maxDepth), "\(text) at depth \(maxDepth)")
        }
    }

    @Test func agreesOnInvalidUTF8() {
        #expect(agree([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d]))
    }

    @Test func agreesOnRandomMutationsOfAClaimSet() {
        var generator = SplitMix64(seed: 0x5eed_c1a1)
        let base = Array(Self.claimSet.utf8)
        let pieces = Array(#"{}[]":,\u0"0123456789.eE+-abtrufnl "#.utf8) + [0x00, 0x1f, 0xc3, 0xa9, 0xff]
        var disagreements: [String] = []
        for _ in 0..<5_000 {
            var text = base
            for _ in 0...Int.random(in: 0..<4, using: &generator) {
                let position = Int.random(in: 0..<text.count, using: &generator)
                let piece = pieces.randomElement(using: &generator)!
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: text[position] = piece
                case 1: text.insert(piece, at: position)
                default: if text.count > 1 { text.remove(at: position) }
                }
            }
            if !agree(text) { disagreements.append(String(decoding: text, as: UTF8.self)) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(3))")
    }
}
