import SessionAuthCore
import Testing

/// Names from tokens and JSON compare as bytes: canonically equivalent spellings are different names.
@Suite struct ByteEqualityTests {
    @Test(arguments: [
        ("", "", true),
        ("sub", "sub", true),
        ("sub", "Sub", false),
        ("sub", "sub ", false),
        ("a-much-longer-name-than-fits-in-a-small-string", "a-much-longer-name-than-fits-in-a-small-string", true),
        ("a-much-longer-name-than-fits-in-a-small-string", "a-much-longer-name-than-fits-in-a-small-strinG", false),
        ("caf\u{E9}", "cafe\u{301}", false),  // equal under ==, different bytes
        ("caf\u{E9}", "caf\u{E9}", true),
    ])
    func comparesBytes(a: String, b: String, same: Bool) {
        #expect(a.hasSameBytes(as: b) == same)
        #expect(b.hasSameBytes(as: a) == same)
    }
}
