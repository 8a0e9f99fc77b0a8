import Foundation
import SessionAuthCore
import SessionAuthCrypto
import Testing

/// The `verifierTokens` of Vectors/jws-vectors.json (scripts/make-jws-test-vectors.py).
struct VerifierVectors: Decodable {
    struct Named: Decodable {
        let name: String
        let signer: String
        let token: String
    }

    let verifierNow: Int64
    let verifierTokens: [Named]

    static let shared: VerifierVectors = {
        do {
            return try JSONDecoder().decode(VerifierVectors.self, from: JWSVectors.vectorFile("jws-vectors"))
        } catch {
            fatalError("Vectors/jws-vectors.json: \(error)")  // test fixture only; never in Sources
        }
    }()

    func token(_ name: String) throws -> String {
        guard let named = verifierTokens.first(where: { $0.name == name }) else { throw VectorError.missing(name) }
        return named.token
    }
}

@Suite struct TokenVerifierTests {
    static let vectors = JWSVectors.shared
    static let named = VerifierVectors.shared
    static let now = named.verifierNow
    static let everyKey = ["rsa2048", "rsa3072", "p256", "p384", "ed25519", "hs256", "hs384", "hs512"]
    static let everyAlgorithm = Set(JWSAlgorithm.allCases)

    private func verifier(
        _ keys: [ConfiguredKey], allowing algorithms: Set<JWSAlgorithm> = everyAlgorithm,
        claims: ClaimsPolicy? = ClaimsPolicy()
    ) throws -> TokenVerifier {
        TokenVerifier(keys: keys, allowedAlgorithms: algorithms, claims: try #require(claims))
    }

    private func jwks(_ names: [String]) throws -> [ConfiguredKey] {
        try JWKSFixture.load(try JWKSFixture.set(named: names)).get()
    }

    private func pemKeys(_ names: [String]) throws -> [ConfiguredKey] {
        let text = try names.map { try #require(Self.vectors.keys[$0]?.pem) }.joined()
        return try KeyFile.load(contents: Array(text.utf8)).get()
    }

    /// A token that is well formed but signed by nobody: enough for every refusal made before the signature.
    private func unsigned(_ header: String, payload: String = #"{"sub":"dev1","exp":4102444800}"#) -> String {
        CompactJWSTestToken.make(header: header, payload: payload, signature: [UInt8](repeating: 7, count: 64))
    }

    private func refusal(_ result: Result<TokenClaims, TokenError>) -> TokenError? {
        guard case .failure(let error) = result else { return nil }
        return error
    }

    // MARK: - Accepted

    @Test(arguments: vectors.tokens)
    func everyVectorTokenVerifiesThroughTheJWKS(_ vector: JWSVectors.Token) throws {
        let claims = try verifier(try jwks(Self.everyKey)).verify(vector.token.utf8, now: Self.now).get()
        #expect(["dev1", "dev-2", "sensor.3"].contains(claims.subject ?? ""))
        #expect(claims.tokenID?.hasPrefix("\(vector.alg)-") == true)
        #expect(claims.expiresAt == Self.now + 3600)
    }

    @Test func tokensWithoutKidTryTheKeysOfTheirAlgorithm() throws {
        let keys = try pemKeys(["rsa2048", "p256", "p256b", "ed25519"])
        let verifier = try verifier(keys)
        #expect(try verifier.verify(Self.named.token("ES256 without kid").utf8, now: Self.now).get().subject == "dev1")
        // The second P-256 candidate signed this one: both are tried, each once.
        #expect(
            try verifier.verify(Self.named.token("ES256 without kid, signed by p256b").utf8, now: Self.now).get()
                .subject == "dev1")
        #expect(try verifier.verify(Self.named.token("RS256 without kid").utf8, now: Self.now).get().subject == "dev1")
        // Keys with kids are candidates too when the token names none.
        let withKids = try self.verifier(try jwks(["hs256", "p256"]))
        #expect(throws: Never.self) {
            try withKids.verify(Self.named.token("HS256 without kid").utf8, now: Self.now).get()
        }
    }

    @Test func issuerAndAudienceArePassedToThePolicy() throws {
        let token = try Self.named.token("with iss and aud")
        let good = try verifier(
            try jwks(["p256"]), claims: ClaimsPolicy(issuer: "https://issuer.example", audience: "mqtt"))
        #expect(try good.verify(token.utf8, now: Self.now).get().audience == ["mqtt", "other"])
        let otherAudience = try verifier(try jwks(["p256"]), claims: ClaimsPolicy(audience: "nope"))
        #expect(refusal(otherAudience.verify(token.utf8, now: Self.now)) == .audienceMismatch)
        let needsIssuer = try verifier(try jwks(["rsa2048"]), claims: ClaimsPolicy(issuer: "https://issuer.example"))
        let rs256 = try #require(Self.vectors.tokens.first { $0.alg == "RS256" })
        #expect(refusal(needsIssuer.verify(rs256.token.utf8, now: Self.now)) == .issuerMismatch(nil))
    }

    // MARK: - The header and the allow-list

    @Test func theSizeCapComesFirst() throws {
        let huge = String(repeating: "A", count: CompactJWS.defaultMaxLength + 1)
        #expect(refusal(try verifier(try jwks(["p256"])).verify(huge.utf8, now: Self.now)) == .tooLong(limit: 8192))
    }

    @Test func algorithmOutsideTheAllowListIsRefused() throws {
        let verifier = try verifier(try jwks(Self.everyKey), allowing: [.es256, .edDSA])
        for vector in Self.vectors.tokens {
            let algorithm = try #require(JWSAlgorithm(headerValue: vector.alg))
            let result = verifier.verify(vector.token.utf8, now: Self.now)
            if algorithm == .es256 || algorithm == .edDSA {
                #expect(throws: Never.self) { try result.get() }
            } else {
                #expect(refusal(result) == .algorithmNotAllowed(algorithm))
            }
        }
    }

    @Test func noneIsRefusedInEverySpelling() throws {
        let verifier = try verifier(try jwks(Self.everyKey))
        for alg in ["none", "None", "NONE"] {
            let token = unsigned(#"{"alg":"\#(alg)"}"#)
            #expect(refusal(verifier.verify(token.utf8, now: Self.now)) == .unsupportedAlgorithm(alg))
            // As `none` is really sent: with an empty signature.
            let bare = String(token[..<(token.lastIndex(of: ".") ?? token.endIndex)]) + "."
            #expect(refusal(verifier.verify(bare.utf8, now: Self.now)) == .emptySegment(.signature))
        }
    }

    // MARK: - Key selection

    @Test(arguments: [
        "nope", "../../../../etc/passwd", "/etc/ssl/private/key.pem", "https://attacker.example/jwks.json",
        "p256 ", "P256", "p256\u{0}",
    ])
    func unknownKidIsRefused(kid: String) throws {
        let header = #"{"alg":"ES256","kid":\#(JWKSFixture.quoted(kid))}"#
        let result = try verifier(try jwks(Self.everyKey)).verify(unsigned(header).utf8, now: Self.now)
        #expect(refusal(result) == .unknownKeyID(kid))
    }

    /// Kids are compared as bytes: the Kelvin sign is not "K", although Swift's `==` says so.
    @Test func kidIsComparedAsBytes() throws {
        let keys = try JWKSFixture.load(JWKSFixture.set([try JWKSFixture.entry("p256", kid: "K")])).get()
        let result = try verifier(keys).verify(unsigned(#"{"alg":"ES256","kid":"\u212A"}"#).utf8, now: Self.now)
        #expect(refusal(result) == .unknownKeyID("\u{212A}"))
    }

    /// A kid never falls back to kid-less keys: the joserfc tokens all name a kid, the PEM keys have none.
    @Test(arguments: vectors.tokens.filter { $0.key != "hs256" && $0.key != "hs384" && $0.key != "hs512" })
    func kidGivenButOnlyKidlessKeysConfigured(_ vector: JWSVectors.Token) throws {
        let verifier = try verifier(try pemKeys(["rsa2048", "rsa3072", "p256", "p384", "ed25519"]))
        #expect(refusal(verifier.verify(vector.token.utf8, now: Self.now)) == .unknownKeyID(vector.key))
    }

    @Test func kidNamingAKeyOfAnotherFamilyIsRefused() throws {
        let result = try verifier(try jwks(Self.everyKey)).verify(
            unsigned(#"{"alg":"ES256","kid":"rsa2048"}"#).utf8, now: Self.now)
        #expect(refusal(result) == .keyRefusesAlgorithm(keyID: "rsa2048", .es256))
    }

    @Test func withoutKidSomeKeyMustAcceptTheAlgorithm() throws {
        let result = try verifier(try pemKeys(["p256", "rsa2048"])).verify(
            unsigned(#"{"alg":"ES384"}"#).utf8, now: Self.now)
        #expect(refusal(result) == .noKeyForAlgorithm(.es384))
    }

    /// The JWKS `alg` pins a key: an RSA key published for RS256 does not verify PS256.
    @Test func jwksAlgRestrictsTheKey() throws {
        let entry = try JWKSFixture.entry("rsa2048", kid: "rsa2048", extra: #""alg":"RS256""#)
        let verifier = try verifier(try JWKSFixture.load(JWKSFixture.set([entry])).get())
        for vector in Self.vectors.tokens where vector.key == "rsa2048" {
            let result = verifier.verify(vector.token.utf8, now: Self.now)
            if vector.alg == "RS256" {
                #expect(throws: Never.self) { try result.get() }
            } else {
                let algorithm = try #require(JWSAlgorithm(headerValue: vector.alg))
                #expect(refusal(result) == .keyRefusesAlgorithm(keyID: "rsa2048", algorithm))
            }
        }
    }

    @Test func moreThanEightKidlessCandidatesAreRefused() throws {
        let token = try Self.named.token("ES256 without kid")
        let eight = try verifier(try pemKeys(Array(repeating: "p256b", count: 7) + ["p256"]))
        #expect(throws: Never.self) { try eight.verify(token.utf8, now: Self.now).get() }
        let nine = try verifier(try pemKeys(Array(repeating: "p256b", count: 8) + ["p256"]))
        #expect(refusal(nine.verify(token.utf8, now: Self.now)) == .tooManyCandidateKeys(.es256, count: 9, limit: 8))
        // Keys of other families do not count against the limit.
        let mixed = try verifier(try pemKeys(Array(repeating: "p384", count: 12) + ["p256"]))
        #expect(throws: Never.self) { try mixed.verify(token.utf8, now: Self.now).get() }
    }

    /// Duplicate kids across key files: fail closed rather than pick one.
    @Test func kidMatchingTwoKeysIsRefused() throws {
        let first = try JWKSFixture.load(JWKSFixture.set([try JWKSFixture.entry("p256", kid: "a")])).get()
        let second = try JWKSFixture.load(JWKSFixture.set([try JWKSFixture.entry("p256b", kid: "a")])).get()
        let result = try verifier(first + second).verify(unsigned(#"{"alg":"ES256","kid":"a"}"#).utf8, now: Self.now)
        #expect(refusal(result) == .ambiguousKeyID("a"))
    }

    // MARK: - The signature

    @Test func signatureFromAnotherKeyIsRefused() throws {
        let verifier = try verifier(try jwks(["p256", "p256b"]))
        let token = try Self.named.token("kid p256, signed by p256b")
        #expect(refusal(verifier.verify(token.utf8, now: Self.now)) == .badSignature)

        // The kid "rsa2048" holding another RSA key's components.
        let rsa3072 = try JWKSFixture.entry("rsa3072", kid: "rsa2048")
        let swapped = try self.verifier(try JWKSFixture.load(JWKSFixture.set([rsa3072])).get())
        let rs256 = try #require(Self.vectors.tokens.first { $0.alg == "RS256" && $0.key == "rsa2048" })
        #expect(refusal(swapped.verify(rs256.token.utf8, now: Self.now)) == .badSignature)
    }

    @Test func tamperedTokensAreRefused() throws {
        let verifier = try verifier(try jwks(Self.everyKey))
        for vector in Self.vectors.tokens {
            var bytes = Array(vector.token.utf8)
            // One payload character changed, away from the end so the text stays canonical base64url.
            let dot = try #require(bytes.firstIndex(of: UInt8(ascii: ".")))
            bytes[dot + 2] = bytes[dot + 2] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
            #expect(refusal(verifier.verify(bytes, now: Self.now)) == .badSignature, "\(vector.alg)")
        }
    }

    /// The RS/HS confusion, end to end: HS256 MACs keyed with the RSA public key's PEM text.
    @Test func rsaPublicKeyIsNeverUsedAsAnHMACSecret() throws {
        let withKid = try Self.named.token("HS256 with kid rsa2048, MAC keyed by its PEM")
        let withoutKid = try Self.named.token("HS256 without kid, MAC keyed by the rsa2048 PEM")
        // Even with HS256 allowed and the RSA key in every form.
        #expect(
            refusal(try verifier(try jwks(Self.everyKey)).verify(withKid.utf8, now: Self.now))
                == .keyRefusesAlgorithm(keyID: "rsa2048", .hs256))
        #expect(
            refusal(try verifier(try pemKeys(["rsa2048"])).verify(withoutKid.utf8, now: Self.now))
                == .noKeyForAlgorithm(.hs256))
        #expect(
            refusal(try verifier(try jwks(["rsa2048", "hs256"])).verify(withoutKid.utf8, now: Self.now))
                == .badSignature)
        // Control: the forgery is a correct MAC for a key that really is that secret.
        let pem = try #require(Self.vectors.keys["rsa2048"]?.pem)
        let secret = ConfiguredKey(try VerificationKey.hmac(secret: Array(pem.utf8), keyID: "rsa2048"))
        #expect(throws: Never.self) { try self.verifier([secret]).verify(withKid.utf8, now: Self.now).get() }
    }

    // MARK: - The claims, read only after the signature

    @Test(arguments: [
        ("payload is an array", TokenError.payloadNotObject),
        ("payload is not JSON", .payloadNotJSON(.invalidLiteral)),
        ("payload has no exp", .missingExpiry),
        ("payload has a duplicate member", .payloadNotJSON(.duplicateMemberName)),
        ("expired an hour before now", .expired(expiresAt: named.verifierNow - 3600)),
    ])
    func signedPayloadsThatAreNotGoodClaimsAreRefused(name: String, expected: TokenError) throws {
        let token = try Self.named.token(name)
        #expect(refusal(try verifier(try jwks(["p256"])).verify(token.utf8, now: Self.now)) == expected)
    }

    /// An unsigned token with a bad payload is refused for its signature: the payload is never parsed.
    @Test func payloadIsNotReadBeforeTheSignature() throws {
        let verifier = try verifier(try jwks(["p256"]))
        let garbage = unsigned(#"{"alg":"ES256","kid":"p256"}"#, payload: #"{"exp":1,"exp":2}"#)
        #expect(refusal(verifier.verify(garbage.utf8, now: Self.now)) == .badSignature)
        let signed = try Self.named.token("payload is not JSON")
        var damaged = Array(signed.utf8)
        damaged[damaged.count - 2] =
            damaged[damaged.count - 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(refusal(verifier.verify(damaged, now: Self.now)) == .badSignature)
    }

    @Test func expiryIsJudgedAtNow() throws {
        let token = try #require(Self.vectors.tokens.first { $0.alg == "ES256" }).token
        let verifier = try verifier(try jwks(["p256"]))
        #expect(throws: Never.self) { try verifier.verify(token.utf8, now: Self.now + 3599).get() }
        #expect(refusal(verifier.verify(token.utf8, now: Self.now + 3600)) == .expired(expiresAt: Self.now + 3600))
        let lenient = try self.verifier(try jwks(["p256"]), claims: ClaimsPolicy(leeway: 60))
        #expect(throws: Never.self) { try lenient.verify(token.utf8, now: Self.now + 3600).get() }
    }

    @Test func newRefusalsDescribeThemselvesInOneLine() {
        let errors: [TokenError] = [
            .algorithmNotAllowed(.hs256), .unknownKeyID("k1"), .ambiguousKeyID("k1"),
            .keyRefusesAlgorithm(keyID: "k1", .hs256), .noKeyForAlgorithm(.es384),
            .tooManyCandidateKeys(.es256, count: 9, limit: 8), .badSignature,
        ]
        for error in errors {
            #expect(!error.description.isEmpty)
            #expect(!error.description.contains("\n"))
        }
        // A kid from a token is quoted only when it is short printable ASCII.
        #expect(!TokenError.unknownKeyID("\u{1b}]0;owned\u{7}").description.contains("\u{1b}"))
    }
}

/// Builds compact tokens from parts (the signature need not verify).
enum CompactJWSTestToken {
    static func make(header: String, payload: String, signature: [UInt8]) -> String {
        Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8)) + "."
            + Base64URL.encode(signature)
    }
}
