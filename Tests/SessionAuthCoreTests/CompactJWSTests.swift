import SessionAuthCore
import Testing

@Suite struct CompactJWSTests {
    // RFC 7515 Appendix A.1: the HS256 example, typed from the RFC text.
    static let rfcHeader = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    static let rfcPayload =
        "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    static let rfcSignature = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    static let rfcToken = rfcHeader + "." + rfcPayload + "." + rfcSignature

    /// A token from its parts: header JSON text, payload bytes and signature bytes, each base64url-encoded.
    static func token(
        header: String = #"{"alg":"ES256","kid":"k1"}"#, payload: String = #"{"exp":1}"#,
        signature: [UInt8] = [1, 2, 3]
    )
        -> String
    {
        Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8)) + "."
            + Base64URL.encode(signature)
    }

    private func parse(_ token: String, maxLength: Int = CompactJWS.defaultMaxLength) -> Result<CompactJWS, TokenError>
    {
        CompactJWS.parse(token.utf8, maxLength: maxLength)
    }

    @Test func parsesTheRFC7515AppendixA1Example() throws {
        let jws = try parse(Self.rfcToken).get()
        #expect(jws.header == JOSEHeader(algorithm: .hs256, keyID: nil, type: "JWT"))
        // The JWS Payload octets of A.1, with the CRLFs of the RFC's JSON.
        let payload: [UInt8] = [
            123, 34, 105, 115, 115, 34, 58, 34, 106, 111, 101, 34, 44, 13, 10, 32, 34, 101, 120, 112, 34, 58, 49, 51,
            48, 48, 56, 49, 57, 51, 56, 48, 44, 13, 10, 32, 34, 104, 116, 116, 112, 58, 47, 47, 101, 120, 97, 109, 112,
            108, 101, 46, 99, 111, 109, 47, 105, 115, 95, 114, 111, 111, 116, 34, 58, 116, 114, 117, 101, 125,
        ]
        #expect(jws.payload == payload)
        #expect(
            jws.payload
                == Array("{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}".utf8))
        #expect(jws.signingInput == Array((Self.rfcHeader + "." + Self.rfcPayload).utf8))
        // The HMAC value of A.1.
        #expect(
            jws.signature == [
                116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214,
                191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
            ])
        let claims = try TokenClaims.parse(payload: jws.payload).get()
        #expect(claims.issuer == "joe")
        #expect(claims.expiresAt == 1_300_819_380)
    }

    @Test func signingInputIsTheReceivedTextOfTheFirstTwoSegments() throws {
        let token = Self.token(
            header: #"{"alg":"EdDSA","kid":"2024-01","typ":"JWT"}"#, payload: #"{"exp":99,"sub":"d1"}"#)
        let jws = try parse(token).get()
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        #expect(jws.signingInput == Array((segments[0] + "." + segments[1]).utf8))
        #expect(jws.header == JOSEHeader(algorithm: .edDSA, keyID: "2024-01", type: "JWT"))
        #expect(jws.payload == Array(#"{"exp":99,"sub":"d1"}"#.utf8))
        #expect(jws.signature == [1, 2, 3])
    }

    @Test func acceptsAnyCollectionOfBytes() throws {
        let framed = "<" + Self.rfcToken + ">"
        let inner = framed.utf8.dropFirst().dropLast()
        #expect(try CompactJWS.parse(inner).get().header.algorithm == .hs256)
        #expect(try CompactJWS.parse(Array(Self.rfcToken.utf8)).get().signature.count == 32)
    }

    // MARK: size cap

    @Test func sizeCapIsInclusiveAndComesBeforeAnyDecoding() throws {
        // Grow a claim until the token is exactly 8192 bytes long.
        var exact: String? = nil
        for padding in 5_000..<7_000 {
            let candidate = Self.token(payload: "{\"exp\":1,\"x\":\"" + String(repeating: "a", count: padding) + "\"}")
            if candidate.utf8.count == CompactJWS.defaultMaxLength {
                exact = candidate
                break
            }
        }
        let token = try #require(exact)
        #expect(try parse(token).get().header.algorithm == .es256)
        #expect(parse(token, maxLength: 8_191) == .failure(.tooLong(limit: 8_191)))
        #expect(parse(token + "A") == .failure(.tooLong(limit: 8_192)))
        // Over the cap, nothing else is looked at: not the segments, not the base64, not the JSON.
        #expect(parse(String(repeating: "!", count: 8_193)) == .failure(.tooLong(limit: 8_192)))
        #expect(parse(Self.rfcToken, maxLength: 10) == .failure(.tooLong(limit: 10)))
        #expect(parse("a.b.c", maxLength: -1) == .failure(.tooLong(limit: 0)))
        #expect(parse(Self.rfcToken, maxLength: .max).isParsed)
    }

    @Test func sizeCapReadsNoMoreThanOneByteBeyondIt() {
        // A collection of Int.max bytes: copying or scanning it whole would never finish (or trap).
        let endless = repeatElement(UInt8(ascii: "a"), count: .max)
        #expect(CompactJWS.parse(endless) == .failure(.tooLong(limit: 8_192)))
        #expect(CompactJWS.parse(endless, maxLength: 100) == .failure(.tooLong(limit: 100)))
    }

    @Test func aMegabyteOfGarbageIsRefusedQuickly() {
        var state: UInt64 = 42
        var garbage = [UInt8](repeating: 0, count: 1 << 20)
        for i in garbage.indices {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            garbage[i] = UInt8(truncatingIfNeeded: state >> 56)
        }
        let clock = ContinuousClock()
        var result: Result<CompactJWS, TokenError>? = nil
        let elapsed = clock.measure { result = CompactJWS.parse(garbage) }
        #expect(result.map { $0 == .failure(.tooLong(limit: 8_192)) } == true)
        #expect(elapsed < .seconds(1))
        // Garbage under the cap gets some refusal, never a crash.
        for length in [0, 1, 2, 3, 100, 8_192] {
            #expect(!CompactJWS.parse(garbage[..<length]).isParsed)
        }
    }

    // MARK: structure

    @Test(
        arguments: [
            ("", 1), ("abc", 1), ("a.b", 2), ("a.b.c.d", 4), ("a.b.c.d.e", 5), ("....", 5),
            (rfcHeader + "." + rfcPayload, 2), (rfcToken + ".", 4), ("." + rfcToken, 4),
        ])
    func refusesAnythingButThreeSegments(token: String, segments: Int) {
        #expect(parse(token) == .failure(.wrongSegmentCount(segments)))
    }

    @Test(
        arguments: [
            ("." + rfcPayload + "." + rfcSignature, .header), (rfcHeader + ".." + rfcSignature, .payload),
            // What an `alg: none` token looks like, whatever its header says.
            (rfcHeader + "." + rfcPayload + ".", .signature), ("eyJhbGciOiJub25lIn0." + rfcPayload + ".", .signature),
            ("..", .header),
        ] as [(String, TokenError.Part)])
    func refusesEmptySegments(token: String, part: TokenError.Part) {
        #expect(parse(token) == .failure(.emptySegment(part)))
    }

    @Test(
        arguments: [
            (rfcHeader + "=." + rfcPayload + "." + rfcSignature, .header),  // padding
            // Non-canonical: "…IA" and "…fQ" are the canonical spellings.
            ("eyJhbGciOiJIUzI1NiJ9IB." + rfcPayload + "." + rfcSignature, .header),
            (rfcHeader + "." + rfcPayload.dropLast() + "R." + rfcSignature, .payload),
            (" " + rfcToken, .header),
            ("eyJ0eXAiOiJKV1Qi\nLA0KICJhbGciOiJIUzI1NiJ9." + rfcPayload + "." + rfcSignature, .header),
            (rfcHeader + "." + rfcPayload + "==." + rfcSignature, .payload),
            (rfcHeader + ".eyJleHAiOjF+." + rfcSignature, .payload),  // standard alphabet
            (rfcHeader + ".e." + rfcSignature, .payload),  // length mod 4 == 1
            (rfcToken + "=", .signature), (rfcToken + " ", .signature), (rfcToken + "\n", .signature),
            // The standard alphabet's '+' and '/', then a non-canonical last character.
            (rfcHeader + "." + rfcPayload + ".dBjftJeZ4CVP+mB92K27uhbUJU1p1r/wW1gFWFOEjXk", .signature),
            (rfcHeader + "." + rfcPayload + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl", .signature),
        ] as [(String, TokenError.Part)])
    func refusesAnythingButCanonicalBase64URL(token: String, part: TokenError.Part) {
        #expect(parse(token) == .failure(.invalidBase64(part)))
    }

    @Test(
        arguments: [
            ("xyz", .expectedValue), (" ", .emptyInput), ("not json", .invalidLiteral),
            ("{\"alg\":\"HS256\"", .unexpectedEnd),
            // Two parsers that keep different duplicates would disagree on the algorithm.
            (#"{"alg":"HS256","alg":"none"}"#, .duplicateMemberName),
            (#"{"alg":"ES256","kid":"a","kid":"b"}"#, .duplicateMemberName),
            ("{\"alg\":\"HS256\",\"x\":\"\u{1}\"}", .controlCharacterInString),
            (#"{"alg":"HS256","x":1e999}"#, .numberOutOfRange),
            (String(repeating: "[", count: 17) + String(repeating: "]", count: 17), .tooDeep(limit: 16)),
        ] as [(String, JSONError)])
    func refusesAHeaderThatIsNotStrictJSON(header: String, error: JSONError) {
        #expect(parse(Self.token(header: header)) == .failure(.headerNotJSON(error)))
    }

    @Test func refusesAHeaderThatIsNotUTF8() {
        let token =
            Base64URL.encode([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d]) + "." + Self.rfcPayload + "."
            + Self.rfcSignature
        #expect(parse(token) == .failure(.headerNotJSON(.invalidUTF8)))
    }

    @Test(
        arguments: [
            (#"{"alg":"none"}"#, .unsupportedAlgorithm("none")), (#"{"typ":"JWT"}"#, .missingAlgorithm),
            (#"["HS256"]"#, .headerNotObject),
            (#"{"alg":"HS256","jku":"https://evil.example/jwks"}"#, .refusedHeaderMember("jku")),
            (#"{"alg":"RS256","kid":7}"#, .headerMemberNotString("kid")),
        ] as [(String, TokenError)])
    func refusesABadHeader(header: String, error: TokenError) {
        #expect(parse(Self.token(header: header)) == .failure(error))
    }

    @Test func doesNotLookAtThePayload() throws {
        // Claims are read only after the signature is verified, so the payload is carried as bytes.
        let jws = try parse(Self.token(payload: "not json \u{1}")).get()
        #expect(jws.payload == Array("not json \u{1}".utf8))
    }

    @Test func descriptionsNeverEchoTheToken() {
        let errors: [TokenError] = [
            .tooLong(limit: 8192), .wrongSegmentCount(2), .wrongSegmentCount(5), .emptySegment(.signature),
            .invalidBase64(.payload), .headerNotJSON(.duplicateMemberName),
        ]
        for error in errors {
            #expect(!error.description.contains(Self.rfcHeader))
            #expect(!error.description.contains("\n"))
        }
        #expect(TokenError.tooLong(limit: 8192).description == "token is longer than 8192 bytes")
        #expect(TokenError.wrongSegmentCount(5).description.contains("JWE"))
        #expect(TokenError.emptySegment(.signature).description == "token signature segment is empty")
        #expect(
            TokenError.headerNotJSON(.duplicateMemberName).description
                == "token header is not strict JSON: duplicate member name in an object")
    }
}

extension Result<CompactJWS, TokenError> {
    fileprivate var isParsed: Bool {
        if case .success = self { return true }
        return false
    }
}
