import SessionAuthCore
import Testing
import TokenIssuing

@Suite struct CompactJSONTests {
    @Test func membersKeepTheirOrderWithoutWhitespace() {
        let value = CompactJSON.object([
            ("z", .integer(-3)), ("a", .array([.bool(true), .null, .string("x")])), ("m", .object([])),
            ("big", .integer(.max)),
        ])
        #expect(value.text == #"{"z":-3,"a":[true,null,"x"],"m":{},"big":9223372036854775807}"#)
    }

    @Test func stringsAreEscapedAsRFC8259Requires() {
        let text = CompactJSON.string("q\"b\\s/\u{08}\u{0C}\n\r\t\u{01}\u{1F}\u{7F}é€😀").text
        #expect(text == #""q\"b\\s/\b\f\n\r\t\u0001\u001f"# + "\u{7F}é€😀\"")
    }

    @Test(arguments: ["", "plain", "a\u{0}b", "\u{2028}", "\"\\\"", "line\nbreak", "e\u{301}"])
    func writtenStringsParseBackToTheSameBytes(value: String) throws {
        let written = CompactJSON.object([(value, .string(value))]).bytes
        let parsed = try StrictJSONParser.parse(written).get()
        #expect(parsed == .object([(value, .string(value))]))
    }
}
