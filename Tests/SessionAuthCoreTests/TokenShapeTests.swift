import Testing

@testable import SessionAuthCore

/// The routing test every CONNECT's password (or username) passes through: exactly two dots and
/// base64url bytes otherwise, checked against the alphabet's own table byte by byte.
@Suite struct TokenShapeTests {
    @Test func everyByteValueInEveryPositionIsRoutedByTheAlphabet() {
        let base = Array("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZXYxIn0.c2lnbmF0dXJlX2J5dGVz".utf8)
        for position in [0, 5, 19, 21, 30, base.count - 1] {
            for byte in UInt8.min...UInt8.max {
                var text = base
                text[position] = byte
                let expected = Base64URL.isAlphabetByte(byte) || (byte == UInt8(ascii: ".") && base[position] == byte)
                #expect(
                    PresentedCredential.hasTokenShape(text) == expected, "byte \(byte) at \(position)")
            }
        }
    }

    @Test(arguments: [
        ("a.b.c", true), ("ab.c.", true), (".ab.c", true), (".a.b", false), ("..abc", true), ("a.b.c.d", false),
        ("abc.de", false),
        ("abcdef", false), ("a.b", false), ("a..", false), ("", false), ("a.b.c:1", false), ("s1:123456", false),
    ])
    func countsExactlyTwoDotsInAtLeastFiveBytes(text: String, isToken: Bool) {
        #expect(PresentedCredential.hasTokenShape(Array(text.utf8)) == isToken)
    }

    @Test func aLongTokenWithOneBadByteAnywhereIsNotAToken() {
        var text = Array(repeating: UInt8(ascii: "A"), count: 700)
        text[100] = UInt8(ascii: ".")
        text[400] = UInt8(ascii: ".")
        #expect(PresentedCredential.hasTokenShape(text))
        for position in stride(from: 0, to: 700, by: 7) where position != 100 && position != 400 {
            var broken = text
            broken[position] = UInt8(ascii: "=")
            #expect(!PresentedCredential.hasTokenShape(broken), "'=' at \(position)")
        }
    }
}
