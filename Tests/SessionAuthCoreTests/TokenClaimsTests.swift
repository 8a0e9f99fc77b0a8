import SessionAuthCore
import Testing

@Suite struct TokenClaimsTests {
    private func claims(_ json: String) -> Result<TokenClaims, TokenError> {
        TokenClaims.parse(payload: Array(json.utf8))
    }

    // MARK: reading

    @Test func readsEveryClaim() {
        let json = """
            {"sub":"sensor-1","sid":"s1","role":"device","exp":1700003600,"iat":1700000000,"nbf":1699999990,
             "iss":"https://issuer.example","aud":["mqtt","other"],"jti":"t-42",
             "publ":["s1/dt/sensor-1/#"],"subs":["s1/cmd/#","s1/all"],"unknown":{"x":[1,2]}}
            """
        let expected = TokenClaims(
            subject: "sensor-1", sessionID: "s1", role: "device", expiresAt: 1_700_003_600, issuedAt: 1_700_000_000,
            notBefore: 1_699_999_990, issuer: "https://issuer.example", audience: ["mqtt", "other"], tokenID: "t-42",
            publish: ["s1/dt/sensor-1/#"], subscribe: ["s1/cmd/#", "s1/all"])
        #expect(claims(json) == .success(expected))
    }

    @Test func onlyExpIsRequired() {
        #expect(claims(#"{"exp":5}"#) == .success(TokenClaims(expiresAt: 5)))
        #expect(
            claims(#"{"exp":5,"publ":[],"subs":[],"aud":[]}"#)
                == .success(TokenClaims(expiresAt: 5, publish: [], subscribe: [])))
    }

    @Test(
        arguments: [
            (#""mqtt""#, ["mqtt"]), (#"["mqtt"]"#, ["mqtt"]), (#"["a","b","a"]"#, ["a", "b", "a"]), ("[]", []),
            (#""""#, [""]),
        ] as [(String, [String])])
    func audienceIsAStringOrAnArrayOfStrings(aud: String, expected: [String]) {
        #expect(claims("{\"exp\":1,\"aud\":\(aud)}").map(\.audience) == .success(expected))
    }

    @Test(
        arguments: [
            ("1", 1), ("-1", -1), ("0", 0), ("-0", 0), ("1.9", 1), ("1.0", 1), ("-1.5", -2), ("-0.5", -1), ("0.5", 0),
            ("1.7e9", 1_700_000_000), ("1700000000.999", 1_700_000_000), ("1e-300", 0), ("-1e-300", -1),
            ("9007199254740992.0", 9_007_199_254_740_992), ("-9007199254740992.0", -9_007_199_254_740_992),
            ("9223372036854775807", .max), ("-9223372036854775808", .min),  // JSON integers are taken as they are
        ] as [(String, Int64)])
    func timesAreIntegersOrFlooredDoubles(text: String, seconds: Int64) {
        #expect(claims("{\"exp\":\(text)}").map(\.expiresAt) == .success(seconds))
        #expect(claims("{\"exp\":1,\"iat\":\(text)}").map(\.issuedAt) == .success(seconds))
        #expect(claims("{\"exp\":1,\"nbf\":\(text)}").map(\.notBefore) == .success(seconds))
    }

    // MARK: refused

    @Test func refusesAPayloadThatIsNotStrictJSON() {
        #expect(claims("") == .failure(.payloadNotJSON(.emptyInput)))
        #expect(claims(#"{"exp":1,"exp":9999999999}"#) == .failure(.payloadNotJSON(.duplicateMemberName)))
        #expect(claims(#"{"exp":1e400}"#) == .failure(.payloadNotJSON(.numberOutOfRange)))
        #expect(claims(#"{"exp":1,"sub":"\uD800"}"#) == .failure(.payloadNotJSON(.unpairedSurrogate)))
        #expect(TokenClaims.parse(payload: [0x7b, 0xff, 0x7d]) == .failure(.payloadNotJSON(.invalidUTF8)))
    }

    @Test(arguments: ["[]", #"[{"exp":1}]"#, "1700000000", #""exp""#, "null", "true"])
    func refusesAPayloadThatIsNotAnObject(json: String) {
        #expect(claims(json) == .failure(.payloadNotObject))
    }

    @Test(arguments: [
        "{}", #"{"sub":"d1","iat":1}"#, #"{"EXP":1}"#, #"{"exp ":1}"#, #"{"e\u0078p2":1}"#, #"{"ex":1}"#,
        #"{"xp":1}"#, #"{"exp\u0000":1}"#, #"{"\u0000exp":1}"#, #"{"expx":1}"#, #"{"exps":1}"#, #"{"":1}"#,
    ])
    func refusesAPayloadWithoutExp(json: String) {
        #expect(claims(json) == .failure(.missingExpiry))
    }

    /// Names are matched on their decoded bytes: an escaped spelling of a claim's name is that claim,
    /// and a name one byte longer or shorter than a claim's is not it (`role`/`publ`/`subs` are four bytes).
    @Test func claimNamesAreMatchedOnTheirExactDecodedBytes() {
        #expect(claims(#"{"\u0065xp":7,"su\u0062":"d"}"#) == .success(TokenClaims(subject: "d", expiresAt: 7)))
        #expect(
            claims(#"{"exp":7,"rol":"x","roles":"y","pub":[1],"sub\u0000":1}"#) == .success(TokenClaims(expiresAt: 7)))
    }

    @Test(
        arguments: [
            (#""1700000000""#, "exp"), ("null", "exp"), ("true", "exp"), ("[1]", "exp"), (#"{"t":1}"#, "exp"),
        ] as [(String, String)])
    func refusesAnExpThatIsNotANumber(value: String, claim: String) {
        #expect(claims("{\"exp\":\(value)}") == .failure(.claimWrongType(claim)))
    }

    @Test(
        arguments: [
            (#""sub":1"#, "sub"), (#""sub":null"#, "sub"), (#""sid":true"#, "sid"), (#""sid":["s1"]"#, "sid"),
            (#""role":{}"#, "role"), (#""role":0"#, "role"), (#""jti":1"#, "jti"), (#""iss":["a"]"#, "iss"),
            (#""iss":null"#, "iss"), (#""iat":"1""#, "iat"), (#""iat":null"#, "iat"), (#""nbf":[]"#, "nbf"),
            (#""nbf":false"#, "nbf"), (#""aud":1"#, "aud"), (#""aud":null"#, "aud"), (#""aud":{}"#, "aud"),
            (#""aud":[1]"#, "aud"), (#""aud":["a",null]"#, "aud"), (#""aud":[["a"]]"#, "aud"),
            (#""publ":"a/b""#, "publ"),
            (#""publ":[1]"#, "publ"), (#""publ":["a",{}]"#, "publ"), (#""publ":null"#, "publ"), (#""subs":{}"#, "subs"),
            (#""subs":[true]"#, "subs"), (##""subs":"#""##, "subs"),
        ] as [(String, String)])
    func refusesAClaimOfTheWrongType(member: String, claim: String) {
        #expect(claims("{\"exp\":1,\(member)}") == .failure(.claimWrongType(claim)))
    }

    @Test(
        arguments: [
            "1e300", "-1e300", "1.7976931348623157e308", "-1.7976931348623157e308", "9007199254740994.0",
            "-9007199254740994.0", "1e16", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
        ])
    func refusesATimeBeyondTwoToThe53(text: String) {
        #expect(claims("{\"exp\":\(text)}") == .failure(.claimOutOfRange("exp")))
        #expect(claims("{\"exp\":1,\"iat\":\(text)}") == .failure(.claimOutOfRange("iat")))
        #expect(claims("{\"exp\":1,\"nbf\":\(text)}") == .failure(.claimOutOfRange("nbf")))
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity, .greatestFiniteMagnitude, 9_007_199_254_740_994])
    func refusesNonFiniteOrHugeDoublesBuiltByHand(seconds: Double) {
        // The parser never yields these, but `parse(_: JSONValue)` is public and must not trap on them either.
        #expect(TokenClaims.parse(JSONValue.object([("exp", .number(seconds))])) == .failure(.claimOutOfRange("exp")))
    }

    // MARK: policy

    private func policy(leeway: Int64 = 0, issuer: String? = nil, audience: String? = nil) throws -> ClaimsPolicy {
        try #require(ClaimsPolicy(leeway: leeway, issuer: issuer, audience: audience))
    }

    @Test func leewayIsZeroToTenMinutes() {
        #expect(ClaimsPolicy(leeway: 0)?.leeway == 0)
        #expect(ClaimsPolicy(leeway: 600)?.leeway == 600)
        #expect(ClaimsPolicy(leeway: -1) == nil)
        #expect(ClaimsPolicy(leeway: 601) == nil)
        #expect(ClaimsPolicy(leeway: .min) == nil)
        #expect(ClaimsPolicy(leeway: .max) == nil)
    }

    /// Expired when now >= exp + leeway: the last accepted second is exp + leeway - 1.
    @Test(
        arguments: [
            (0, 999, nil), (0, 1_000, .expired(expiresAt: 1_000)), (0, 5_000, .expired(expiresAt: 1_000)),
            (30, 1_029, nil), (30, 1_030, .expired(expiresAt: 1_000)),
            (600, 1_599, nil), (600, 1_600, .expired(expiresAt: 1_000)), (600, -5_000, nil),
        ] as [(Int64, Int64, TokenError?)])
    func expiryBoundary(leeway: Int64, now: Int64, expected: TokenError?) throws {
        #expect(try policy(leeway: leeway).check(TokenClaims(expiresAt: 1_000), now: now) == expected)
    }

    @Test func extremeTimesNeitherTrapNorWrap() throws {
        let lenient = try policy(leeway: 600)
        // exp + leeway past Int64.max saturates: such a token has not expired.
        #expect(lenient.check(TokenClaims(expiresAt: .max), now: 1_700_000_000) == nil)
        #expect(lenient.check(TokenClaims(expiresAt: .max), now: .max - 1) == nil)
        #expect(lenient.check(TokenClaims(expiresAt: .min), now: .min + 599) == nil)
        #expect(lenient.check(TokenClaims(expiresAt: .min), now: .min + 600) == .expired(expiresAt: .min))
        #expect(lenient.check(TokenClaims(expiresAt: .min), now: 0) == .expired(expiresAt: .min))
        // now + leeway past Int64.max saturates too, and then nbf/iat at Int64.max are not in the future.
        #expect(lenient.check(TokenClaims(expiresAt: .max, notBefore: .max), now: .max - 10) == nil)
        #expect(lenient.check(TokenClaims(expiresAt: .max, issuedAt: .max), now: .max - 10) == nil)
        #expect(lenient.check(TokenClaims(expiresAt: .max, notBefore: .max), now: 0) == .notYetValid(notBefore: .max))
        #expect(lenient.check(TokenClaims(expiresAt: .max, issuedAt: .min, notBefore: .min), now: .min) == nil)
    }

    /// Not yet valid when now + leeway < nbf: nbf itself is the first accepted second (RFC 7519 §4.1.5).
    @Test(
        arguments: [
            (0, 2_000, nil), (0, 2_001, .notYetValid(notBefore: 2_001)), (0, 1_000, nil),
            (60, 2_060, nil), (60, 2_061, .notYetValid(notBefore: 2_061)),
        ] as [(Int64, Int64, TokenError?)])
    func notBeforeBoundary(leeway: Int64, notBefore: Int64, expected: TokenError?) throws {
        let claims = TokenClaims(expiresAt: 10_000, notBefore: notBefore)
        #expect(try policy(leeway: leeway).check(claims, now: 2_000) == expected)
    }

    @Test(
        arguments: [
            (0, 2_000, nil), (0, 2_001, .issuedInFuture(issuedAt: 2_001)), (0, 0, nil),
            (60, 2_060, nil), (60, 2_061, .issuedInFuture(issuedAt: 2_061)),
        ] as [(Int64, Int64, TokenError?)])
    func issuedAtBoundary(leeway: Int64, issuedAt: Int64, expected: TokenError?) throws {
        let claims = TokenClaims(expiresAt: 10_000, issuedAt: issuedAt)
        #expect(try policy(leeway: leeway).check(claims, now: 2_000) == expected)
    }

    @Test func expiryIsJudgedFirst() throws {
        let claims = TokenClaims(expiresAt: 10, issuedAt: 99_999, notBefore: 99_999, issuer: "x")
        #expect(try policy(issuer: "y").check(claims, now: 10) == .expired(expiresAt: 10))
    }

    @Test(
        arguments: [
            (nil, .issuerMismatch(nil)), ("https://other.example", .issuerMismatch("https://other.example")),
            ("HTTPS://issuer.example", .issuerMismatch("HTTPS://issuer.example")),
            ("https://issuer.example/", .issuerMismatch("https://issuer.example/")),
            ("https://issuer.example ", .issuerMismatch("https://issuer.example ")), ("", .issuerMismatch("")),
            ("https://issuer.example", nil),
        ] as [(String?, TokenError?)])
    func issuerMustMatchExactlyWhenConfigured(iss: String?, expected: TokenError?) throws {
        let claims = TokenClaims(expiresAt: 10_000, issuer: iss)
        #expect(try policy(issuer: "https://issuer.example").check(claims, now: 0) == expected)
        #expect(try policy().check(claims, now: 0) == nil)
    }

    @Test func issuerIsComparedAsBytes() throws {
        // Canonically equivalent to the configured issuer, so Swift's `==` would call them equal.
        #expect("caf\u{E9}" == "cafe\u{301}")
        let claims = TokenClaims(expiresAt: 10_000, issuer: "cafe\u{301}")
        #expect(try policy(issuer: "caf\u{E9}").check(claims, now: 0) == .issuerMismatch("cafe\u{301}"))
        let kelvin = TokenClaims(expiresAt: 10_000, issuer: "\u{212A}")
        #expect(try policy(issuer: "K").check(kelvin, now: 0) == .issuerMismatch("\u{212A}"))
    }

    @Test(
        arguments: [
            ([], .audienceMismatch), (["other"], .audienceMismatch), (["MQTT"], .audienceMismatch),
            (["mqtt "], .audienceMismatch), (["mqt"], .audienceMismatch), (["\u{FF4D}qtt"], .audienceMismatch),
            (["mqtt"], nil), (["other", "mqtt"], nil),
        ] as [([String], TokenError?)])
    func audienceMustContainTheConfiguredOneWhenSet(aud: [String], expected: TokenError?) throws {
        let claims = TokenClaims(expiresAt: 10_000, audience: aud)
        #expect(try policy(audience: "mqtt").check(claims, now: 0) == expected)
        #expect(try policy().check(claims, now: 0) == nil)
    }

    @Test func aValidTokenPassesEveryCheckAtOnce() throws {
        let json = #"{"sub":"d1","exp":1700003600,"iat":1700000000,"nbf":1700000000,"iss":"me","aud":"mqtt"}"#
        let parsed = try claims(json).get()
        let strict = try policy(leeway: 0, issuer: "me", audience: "mqtt")
        #expect(strict.check(parsed, now: 1_700_000_000) == nil)
        #expect(strict.check(parsed, now: 1_699_999_999) == .notYetValid(notBefore: 1_700_000_000))
        #expect(strict.check(parsed, now: 1_700_003_600) == .expired(expiresAt: 1_700_003_600))
    }

    // MARK: descriptions

    @Test func descriptionsAreShortClausesThatShowOnlyShortPrintableValues() {
        #expect(TokenError.missingExpiry.description == "token has no exp claim")
        #expect(TokenError.claimWrongType("exp").description == "token claim 'exp' is not a number")
        #expect(
            TokenError.claimWrongType("aud").description == "token claim 'aud' is not a string or an array of strings")
        #expect(TokenError.claimWrongType("publ").description == "token claim 'publ' is not an array of strings")
        #expect(TokenError.claimWrongType("sub").description == "token claim 'sub' is not a string")
        #expect(TokenError.claimOutOfRange("nbf").description.contains("'nbf'"))
        #expect(TokenError.expired(expiresAt: 1_000).description == "token expired (exp 1000)")
        #expect(TokenError.issuerMismatch("evil").description == "token issuer 'evil' is not the configured issuer")
        #expect(TokenError.issuerMismatch(nil).description == "token has no iss claim, and an issuer is required")
        let long = "https://" + String(repeating: "x", count: 40)
        #expect(!TokenError.issuerMismatch(long).description.contains("xxxx"))
        #expect(!TokenError.issuerMismatch("a\u{7}b").description.contains("\u{7}"))
        let all: [TokenError] = [
            .tooLong(limit: 1), .wrongSegmentCount(1), .emptySegment(.header), .invalidBase64(.signature),
            .headerNotJSON(.emptyInput), .headerNotObject, .missingAlgorithm, .unsupportedAlgorithm("x"),
            .headerMemberNotString("typ"), .keyIDTooLong(limit: 256), .refusedHeaderMember("x5c"),
            .payloadNotJSON(.tooDeep(limit: 16)), .payloadNotObject, .missingExpiry, .claimWrongType("jti"),
            .claimOutOfRange("iat"), .expired(expiresAt: 1), .notYetValid(notBefore: 1), .issuedInFuture(issuedAt: 1),
            .issuerMismatch("i"), .audienceMismatch,
        ]
        for error in all {
            #expect(error.description.hasPrefix("token "))
            #expect(!error.description.contains("\n"))
            #expect(error.description.utf8.count < 140)
        }
    }
}
