import SessionAuthCore
import Testing

@Suite struct Base64URLTests {
    /// RFC 4648 §10, in the url-safe alphabet and without the padding JWS drops (RFC 7515 §2).
    @Test(
        arguments: [
            ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ])
    func rfc4648Vectors(plain: String, encoded: String) {
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        #expect(Base64URL.decode(encoded.utf8) == Array(plain.utf8))
    }

    @Test(
        arguments: [([0xfb, 0xef, 0xbe], "----"), ([0xff, 0xff, 0xff], "____"), ([0xfb, 0xff], "-_8")]
            as [([UInt8], String)])
    func usesTheURLSafeCharacters(bytes: [UInt8], encoded: String) {
        #expect(Base64URL.encode(bytes) == encoded)
        #expect(Base64URL.decode(encoded.utf8) == bytes)
    }

    @Test func roundTripsEveryByteAtEveryOffset() {
        let all = Array(0...255 as ClosedRange<UInt8>)
        for start in 0..<3 {
            let bytes = Array(all[start...])
            let encoded = Base64URL.encode(bytes)
            #expect(!encoded.utf8.contains(UInt8(ascii: "=")))
            #expect(Base64URL.decode(encoded.utf8) == bytes)
        }
    }

    /// Every 2- and 3-character string over the alphabet: exactly one per byte string decodes (256 and
    /// 65,536 of them), and each that does is what `encode` gives back.
    @Test(arguments: [2, 3])
    func exactlyOneAcceptedSpellingPerByteString(length: Int) {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var accepted = 0
        var mismatches = 0
        var text = [UInt8](repeating: 0, count: length)
        var counters = [Int](repeating: 0, count: length)
        while true {
            for i in 0..<length { text[i] = alphabet[counters[i]] }
            if let decoded = Base64URL.decode(text) {
                accepted += 1
                if Array(Base64URL.encode(decoded).utf8) != text { mismatches += 1 }
            }
            var position = length - 1
            while position >= 0 {
                counters[position] += 1
                if counters[position] < 64 { break }
                counters[position] = 0
                position -= 1
            }
            if position < 0 { break }
        }
        #expect(accepted == (length == 2 ? 256 : 65_536))
        #expect(mismatches == 0)
    }

    @Test(arguments: [
        "Zg==", "Zm8=", "Zm9vYg==", "Zg=", "=", "====",  // padding
        "Z", "Zm9vY", "Zm9vYmFyZ",  // length mod 4 == 1
        "Zh", "Zm9", "Zm9vYh", "Zm9vYmF", "_x", "AB", "AAB",  // non-canonical: unused low bits set
        "Zm9v+", "Zm9v/w", "+/8",  // the standard alphabet's characters
        " Zm9v", "Zm9v ", "Zm 9v", "Zm9v\n", "Zm9v\r\n", "\tZm9v",  // whitespace
        "Zm9v.", "Zm9v!", "Zm9v~", "Zm9v%3D", "Zm9v\u{0}", "Zm9vé", "Ｚｍ９ｖ",
        "!Zm9vYmFy", "Zm9v!mFy", "Zm9vYm=y",  // one bad byte first or inside a full group, the rest valid
    ])
    func refuses(text: String) {
        #expect(Base64URL.decode(text.utf8) == nil)
    }

    @Test func refusesHighBytes() {
        for byte in UInt8(0x80)...0xff {
            #expect(Base64URL.decode([UInt8(ascii: "Z"), UInt8(ascii: "m"), UInt8(ascii: "9"), byte]) == nil)
        }
    }

    @Test func decodesFromAnyCollection() {
        let text = "xxZm9vYmFyxx"
        let inner = text.utf8.dropFirst(2).dropLast(2)
        #expect(Base64URL.decode(inner) == Array("foobar".utf8))
    }
}
