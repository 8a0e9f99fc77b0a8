import SessionAuthCore
import Testing

@Suite struct JOSEHeaderTests {
    /// The header as the broker reads it (member by member from the bytes), checked against the same
    /// header read from a parsed tree: every test below runs both and they must agree.
    private func header(_ json: String) -> Result<JOSEHeader, TokenError> {
        let fromTree: Result<JOSEHeader, TokenError>
        switch StrictJSONParser.parse(Array(json.utf8)) {
        case .success(let value): fromTree = JOSEHeader.parse(value)
        case .failure(let error): fromTree = .failure(.headerNotJSON(error))
        }
        let fromBytes = JOSEHeader.parse(bytes: Array(json.utf8))
        #expect(fromBytes == fromTree, "\(json)")
        return fromBytes
    }

    @Test(arguments: JWSAlgorithm.allCases)
    func acceptsEachSupportedAlgorithm(algorithm: JWSAlgorithm) {
        #expect(header("{\"alg\":\"\(algorithm.rawValue)\"}") == .success(JOSEHeader(algorithm: algorithm)))
    }

    /// Names are matched on their exact decoded bytes: an escaped spelling is the member, a name one
    /// byte shorter or longer (or with a NUL after it) is some other member and ignored.
    @Test func memberNamesAreMatchedOnTheirExactDecodedBytes() {
        #expect(
            header(#"{"\u0061lg":"HS256","k\u0069d":"k"}"#)
                == .success(JOSEHeader(algorithm: .hs256, keyID: "k", type: nil)))
        #expect(
            header(#"{"alg":"HS256","ki":1,"kidd":2,"typ\u0000":3,"ty":4}"#) == .success(JOSEHeader(algorithm: .hs256)))
        #expect(header(#"{"al":"HS256","algs":"HS256"}"#) == .failure(.missingAlgorithm))
    }

    @Test func readsKeyIDAndType() {
        #expect(
            header(#"{"typ":"JWT","kid":"2024-07 key","alg":"PS384"}"#)
                == .success(JOSEHeader(algorithm: .ps384, keyID: "2024-07 key", type: "JWT")))
        #expect(header(#"{"alg":"ES256","kid":""}"#) == .success(JOSEHeader(algorithm: .es256, keyID: "", type: nil)))
    }

    @Test func ignoresMembersItDoesNotKnow() {
        // Not critical (no `crit`), so RFC 7515 §4 says ignore; names are case-sensitive, so `JWK` is not `jwk`.
        #expect(
            header(#"{"alg":"ES384","cty":"JWT","foo":{"bar":[1]},"JWK":{},"X5U":"x","iss":"me"}"#)
                == .success(JOSEHeader(algorithm: .es384)))
    }

    @Test(arguments: [
        "none", "None", "NONE", "nOnE", "hs256", "Hs256", "HS256 ", " HS256", "HS256\u{0}", "HS 256", "HS-256", "",
        "HS1", "RS1", "ES256K", "ES512", "Ed25519", "EDDSA", "eddsa", "HS128", "RSA-OAEP", "dir", "ＨＳ256",
        "H\u{0301}S256", "HS256\u{200B}", String(repeating: "A", count: 10_000),
    ])
    func refusesEveryOtherAlgorithmName(alg: String) {
        let json = JSONValue.object([("alg", .string(alg))])
        #expect(JOSEHeader.parse(json) == .failure(.unsupportedAlgorithm(alg)))
    }

    @Test(arguments: [#"{}"#, #"{"typ":"JWT","kid":"k"}"#, #"{"ALG":"HS256"}"#, #"{"alg ":"HS256"}"#])
    func refusesAHeaderWithoutAlg(json: String) {
        #expect(header(json) == .failure(.missingAlgorithm))
    }

    @Test(arguments: [
        #"{"alg":null}"#, #"{"alg":256}"#, #"{"alg":["HS256"]}"#, #"{"alg":{"name":"HS256"}}"#, #"{"alg":true}"#,
    ])
    func refusesAnAlgThatIsNotAString(json: String) {
        #expect(header(json) == .failure(.headerMemberNotString("alg")))
    }

    @Test(arguments: [#"[]"#, #"["alg","HS256"]"#, #""HS256""#, #"1"#, #"null"#, #"true"#])
    func refusesAHeaderThatIsNotAnObject(json: String) {
        #expect(header(json) == .failure(.headerNotObject))
    }

    @Test(arguments: JOSEHeader.refusedMembers)
    func refusesEmbeddedKeysKeyURLsAndCriticalExtensions(name: String) {
        #expect(header("{\"alg\":\"RS256\",\"\(name)\":\"x\"}") == .failure(.refusedHeaderMember(name)))
        // Whatever the value, even one that would mean "nothing here".
        #expect(header("{\"\(name)\":null,\"alg\":\"ES256\"}") == .failure(.refusedHeaderMember(name)))
        #expect(header("{\"alg\":\"HS256\",\"\(name)\":[]}") == .failure(.refusedHeaderMember(name)))
    }

    @Test func refusedMembersAreTheNineNamed() {
        #expect(
            Set(JOSEHeader.refusedMembers) == ["crit", "jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "b64", "zip"])
    }

    @Test func refusesTheClassicEmbeddedKeyForgeries() {
        let jwk = #"{"alg":"RS256","jwk":{"kty":"RSA","n":"AQAB","e":"AQAB"}}"#
        #expect(header(jwk) == .failure(.refusedHeaderMember("jwk")))
        let crit = #"{"alg":"ES256","crit":["exp"],"exp":1}"#
        #expect(header(crit) == .failure(.refusedHeaderMember("crit")))
        let unencoded = #"{"alg":"HS256","b64":false,"crit":["b64"]}"#
        #expect(header(unencoded) == .failure(.refusedHeaderMember("b64")))
    }

    @Test func keyIDMayBeUpTo256Bytes() {
        let longest = String(repeating: "k", count: 256)
        #expect(JOSEHeader.maxKeyIDLength == 256)
        #expect(
            header("{\"alg\":\"ES256\",\"kid\":\"\(longest)\"}")
                == .success(JOSEHeader(algorithm: .es256, keyID: longest)))
        #expect(header("{\"alg\":\"ES256\",\"kid\":\"\(longest)k\"}") == .failure(.keyIDTooLong(limit: 256)))
        // Bytes, not characters: 86 three-byte characters are 258 bytes.
        #expect(
            header("{\"alg\":\"ES256\",\"kid\":\"\(String(repeating: "€", count: 86))\"}")
                == .failure(.keyIDTooLong(limit: 256)))
    }

    @Test(
        arguments: [
            (#"{"alg":"ES256","kid":7}"#, "kid"), (#"{"alg":"ES256","kid":null}"#, "kid"),
            (#"{"alg":"ES256","kid":["a"]}"#, "kid"),
            (#"{"alg":"ES256","typ":1}"#, "typ"), (#"{"alg":"ES256","typ":{}}"#, "typ"),
            (#"{"alg":"ES256","typ":false}"#, "typ"),
        ])
    func refusesKidOrTypThatIsNotAString(json: String, member: String) {
        #expect(header(json) == .failure(.headerMemberNotString(member)))
    }

    @Test func descriptionsShowOnlyShortPrintableValues() {
        #expect(TokenError.unsupportedAlgorithm("none").description == "token algorithm 'none' is not allowed")
        #expect(TokenError.unsupportedAlgorithm("HS256 ").description == "token algorithm 'HS256 ' is not allowed")
        let long = String(repeating: "A", count: 33)
        #expect(
            TokenError.unsupportedAlgorithm(long).description
                == "token algorithm (a 33-byte value, not shown) is not allowed")
        let escape = "\u{1B}[2Jx"
        #expect(!TokenError.unsupportedAlgorithm(escape).description.contains("\u{1B}"))
        #expect(!TokenError.unsupportedAlgorithm("a\nb").description.contains("\n"))
        #expect(!TokenError.unsupportedAlgorithm("é").description.contains("é"))
        #expect(!TokenError.unsupportedAlgorithm("it's").description.contains("it's"))
        #expect(TokenError.missingAlgorithm.description == "token header has no alg")
        #expect(TokenError.refusedHeaderMember("jku").description.contains("'jku'"))
        #expect(TokenError.refusedHeaderMember("crit").description.contains("critical"))
        #expect(TokenError.headerMemberNotString("kid").description == "token header 'kid' is not a string")
        #expect(TokenError.keyIDTooLong(limit: 256).description == "token kid is longer than 256 bytes")
    }
}
