import SessionAuthCore
import SessionAuthCrypto
import Testing

/// JWKS texts built from the vector keys' JWK parts (HMAC keys as `kty: oct` from their secrets).
enum JWKSFixture {
    static let vectors = JWSVectors.shared

    /// One entry: the JWK of vector key `name` with `kid` (none when nil), minus `removing`, plus
    /// `extra` (raw JSON member text such as `"alg":"RS256"`).
    static func entry(_ name: String, kid: String?, extra: String = "", removing: [String] = []) throws -> String {
        guard let key = vectors.keys[name] else { throw VectorError.missing(name) }
        var members: [(String, String)] = []
        if let secret = key.secret {
            members = [("kty", "oct"), ("k", secret)]
        } else {
            guard let jwk = key.jwk, let kty = jwk["kty"] else { throw VectorError.missing("\(name).jwk") }
            members = [("kty", kty)] + jwk.filter { $0.key != "kty" }.sorted { $0.key < $1.key }
        }
        if let kid { members.append(("kid", kid)) }
        var parts = members.filter { !removing.contains($0.0) }.map { "\(quoted($0.0)):\(quoted($0.1))" }
        if !extra.isEmpty { parts.append(extra) }
        return "{" + parts.joined(separator: ",") + "}"
    }

    static func set(_ entries: [String]) -> String {
        #"{"keys":["# + entries.joined(separator: ",") + "]}"
    }

    /// A set of the named vector keys, each with its name as kid.
    static func set(named names: [String]) throws -> String {
        set(try names.map { try entry($0, kid: $0) })
    }

    static func load(_ text: String) -> Result<[ConfiguredKey], KeySetError> {
        JWKSet.keys(fromJSON: Array(text.utf8))
    }

    /// `text` as a JSON string literal (control characters escaped, so a test can send a NUL in a kid).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += "\\u00" + hexByte(scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private static func hexByte(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return digits.count < 2 ? "0" + digits : digits
    }
}

extension Result where Failure == KeySetError {
    /// The error of a refused set, nil when it loaded (ConfiguredKey holds a class: Result is not Equatable).
    var refusal: KeySetError? {
        guard case .failure(let error) = self else { return nil }
        return error
    }
}

@Suite struct JWKSetTests {
    static let vectors = JWSVectors.shared
    static let allKeys = ["rsa2048", "rsa3072", "p256", "p384", "ed25519", "hs256", "hs384", "hs512"]

    @Test func loadsEveryKeyTypeWithItsKid() throws {
        let keys = try JWKSFixture.load(try JWKSFixture.set(named: Self.allKeys)).get()
        #expect(keys.map(\.keyID) == Self.allKeys)
        #expect(
            keys.map(\.key.family) == [.rsa, .rsa, .ecP256, .ecP384, .ed25519, .hmac, .hmac, .hmac])
        #expect(keys.allSatisfy { $0.algorithm == nil })
    }

    /// Interoperability: every joserfc token verifies with the key its kid names in the set.
    @Test(arguments: vectors.tokens)
    func vectorTokensVerifyWithTheJWKSKey(_ vector: JWSVectors.Token) throws {
        let keys = try JWKSFixture.load(try JWKSFixture.set(named: Self.allKeys)).get()
        let key = try #require(keys.first { $0.keyID == vector.key })
        let algorithm = try #require(JWSAlgorithm(headerValue: vector.alg))
        let (signingInput, signature) = Bytes.compact(vector.token)
        #expect(SignatureVerifier.verify(algorithm, key: key.key, signingInput: signingInput, signature: signature))
    }

    @Test func algPinsTheEntryToOneAlgorithm() throws {
        let text = JWKSFixture.set([try JWKSFixture.entry("rsa2048", kid: "r", extra: #""alg":"RS256","use":"sig""#)])
        let key = try #require(try JWKSFixture.load(text).get().first)
        #expect(key.algorithm == .rs256)
        #expect(key.accepts(.rs256))
        #expect(!key.accepts(.ps256))
        #expect(!key.accepts(.rs512))
        #expect(key.key.accepts(.ps256), "the restriction is the entry's, not the key's")
    }

    @Test func kidIsOptional() throws {
        let text = JWKSFixture.set([try JWKSFixture.entry("p256", kid: nil), try JWKSFixture.entry("p384", kid: nil)])
        let keys = try JWKSFixture.load(text).get()
        #expect(keys.count == 2)
        #expect(keys.allSatisfy { $0.keyID == nil })
    }

    /// Kids are bytes: "K" and the Kelvin sign (canonically equivalent) are two different kids.
    @Test func kidsThatAreOnlyCanonicallyEquivalentAreDistinct() throws {
        let text = JWKSFixture.set([
            try JWKSFixture.entry("p256", kid: "K"), try JWKSFixture.entry("p256b", kid: "\u{212A}"),
        ])
        let keys = try JWKSFixture.load(text).get()
        #expect(keys.count == 2)
    }

    @Test func unknownMembersAreIgnored() throws {
        let text = JWKSFixture.set([
            try JWKSFixture.entry("p256", kid: "e", extra: #""key_ops":["verify"],"x5t":"abc","ext":true"#)
        ])
        #expect(try JWKSFixture.load(text).get().count == 1)
    }

    // MARK: - The document

    @Test(arguments: [
        ("[]", KeySetError.notAnObject),
        ("{}", .missingKeysArray),
        (#"{"keys":{}}"#, .missingKeysArray),
        (#"{"keys":null}"#, .missingKeysArray),
        (#"{"keys":[]}"#, .emptySet),
        (#"{"keys":[1]}"#, .entryNotObject(index: 0)),
        (#"{"keys":[{"kty":"oct","k":"AAAA"}"#, .notJSON(.unexpectedEnd)),
        (#"{"keys":[],"keys":[]}"#, .notJSON(.duplicateMemberName)),
        ("", .notJSON(.emptyInput)),
    ])
    func malformedDocumentIsRefused(text: String, expected: KeySetError) {
        #expect(JWKSFixture.load(text).refusal == expected)
    }

    // MARK: - Entries

    @Test(arguments: [
        ("rsa2048", "d"), ("rsa2048", "p"), ("rsa2048", "q"), ("rsa2048", "dp"), ("rsa2048", "dq"), ("rsa2048", "qi"),
        ("rsa2048", "oth"), ("p256", "d"), ("p384", "d"), ("ed25519", "d"),
    ])
    func privateMembersAreRefused(name: String, member: String) throws {
        let text = JWKSFixture.set([
            try JWKSFixture.entry("p256", kid: "ok"),
            try JWKSFixture.entry(name, kid: "leak", extra: "\(JWKSFixture.quoted(member)):\"AQAB\""),
        ])
        #expect(JWKSFixture.load(text).refusal == (.privateMember(index: 1, keyID: "leak", member: member)))
    }

    /// Refused before any component is looked at: a leaked key is reported even when the rest is broken.
    @Test func aPrivateMemberIsReportedBeforeBrokenComponents() {
        let text = #"{"keys":[{"kty":"EC","crv":"P-999","x":"!","d":"AQAB"}]}"#
        #expect(JWKSFixture.load(text).refusal == (.privateMember(index: 0, keyID: nil, member: "d")))
    }

    /// An HMAC secret is secret by nature: `k` is its only member and the set is a private file.
    @Test func octEntriesAreNotPrivateKeyLeaks() throws {
        let text = JWKSFixture.set([try JWKSFixture.entry("hs256", kid: "h", extra: #""alg":"HS256""#)])
        let key = try #require(try JWKSFixture.load(text).get().first)
        #expect(key.algorithm == .hs256)
        #expect(key.key.hmacSecretLength == 32)
    }

    @Test(arguments: [
        ("rsa2048", "ES256", "RSA"), ("rsa2048", "HS256", "RSA"), ("rsa2048", "EdDSA", "RSA"),
        ("p256", "ES384", "EC"), ("p384", "ES256", "EC"), ("p256", "RS256", "EC"), ("ed25519", "ES256", "OKP"),
        ("hs256", "RS256", "oct"), ("hs512", "ES256", "oct"),
    ])
    func algOfAnotherFamilyIsRefused(name: String, alg: String, kty: String) throws {
        let text = JWKSFixture.set([try JWKSFixture.entry(name, kid: "k", extra: #""alg":"\#(alg)""#)])
        #expect(
            JWKSFixture.load(text).refusal
                == (.algorithmDoesNotFitKey(index: 0, keyID: "k", algorithm: alg, keyType: kty)))
    }

    @Test func hmacAlgorithmNeedsALongEnoughSecret() throws {
        let text = JWKSFixture.set([try JWKSFixture.entry("hs256", kid: "k", extra: #""alg":"HS512""#)])
        #expect(
            JWKSFixture.load(text).refusal
                == (.secretTooShortForAlgorithm(index: 0, keyID: "k", algorithm: "HS512", bytes: 32)))
    }

    @Test(arguments: ["none", "RSA-OAEP", "rs256", "ES256K", "HS256 ", ""])
    func unknownAlgIsRefused(alg: String) throws {
        let text = JWKSFixture.set([try JWKSFixture.entry("p256", kid: "k", extra: #""alg":"\#(alg)""#)])
        #expect(JWKSFixture.load(text).refusal == (.unsupportedAlgorithm(index: 0, keyID: "k", algorithm: alg)))
    }

    @Test(arguments: ["enc", "SIG", ""])
    func useOtherThanSigIsRefused(use: String) throws {
        let text = JWKSFixture.set([try JWKSFixture.entry("rsa2048", kid: "k", extra: #""use":"\#(use)""#)])
        #expect(JWKSFixture.load(text).refusal == (.unsupportedUse(index: 0, keyID: "k", use: use)))
    }

    @Test func duplicateKidIsRefused() throws {
        let text = JWKSFixture.set([
            try JWKSFixture.entry("p256", kid: "a"), try JWKSFixture.entry("p384", kid: "b"),
            try JWKSFixture.entry("ed25519", kid: "a"),
        ])
        #expect(JWKSFixture.load(text).refusal == (.duplicateKeyID(index: 2, keyID: "a", firstIndex: 0)))
    }

    @Test(arguments: [
        ("rsa2048", "n", "=="), ("rsa2048", "e", "="), ("p256", "x", "+"), ("p256", "y", " "), ("ed25519", "x", "/"),
        ("hs256", "k", "\\n"),
    ])
    func nonCanonicalBase64URLIsRefused(name: String, member: String, suffix: String) throws {
        let entry = try JWKSFixture.entry(name, kid: "k")
        // Appends to the member's value, inside its closing quote.
        let value = try #require(entry.range(of: "\"\(member)\":\""))
        let close = try #require(entry[value.upperBound...].firstIndex(of: "\""))
        var damaged = entry
        damaged.insert(contentsOf: suffix, at: close)
        #expect(
            JWKSFixture.load(JWKSFixture.set([damaged])).refusal
                == (.invalidBase64(index: 0, keyID: "k", member: member)))
    }

    @Test func nonCanonicalTrailingBitsAreRefused() throws {
        // 43 characters: the last group of 3 carries 2 unused bits, here not zero (a second spelling).
        let text = #"{"keys":[{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB","kid":"k"}]}"#
        #expect(JWKSFixture.load(text).refusal == (.invalidBase64(index: 0, keyID: "k", member: "k")))
    }

    @Test(arguments: [
        ("rsa2048", "n"), ("rsa2048", "e"), ("p256", "x"), ("p256", "y"), ("p256", "crv"),
        ("ed25519", "x"), ("ed25519", "crv"), ("hs256", "k"), ("p256", "kty"),
    ])
    func missingMemberIsRefused(name: String, member: String) throws {
        let text = JWKSFixture.set([try JWKSFixture.entry(name, kid: "k", removing: [member])])
        #expect(JWKSFixture.load(text).refusal == (.missingMember(index: 0, keyID: "k", member: member)))
    }

    @Test(arguments: ["kty", "crv", "x", "alg", "use"])
    func memberThatIsNotAStringIsRefused(member: String) throws {
        let text = JWKSFixture.set([
            try JWKSFixture.entry("ed25519", kid: "k", extra: "\"\(member)\":1", removing: [member])
        ])
        #expect(JWKSFixture.load(text).refusal == (.memberNotString(index: 0, keyID: "k", member: member)))
    }

    @Test(arguments: [
        ("RSA ", nil as String?), ("rsa", nil), ("EC2", nil), ("OKP", "X25519"), ("OKP", "Ed448"),
        ("EC", "P-521"), ("EC", "secp256k1"), ("EC", "p-256"),
    ])
    func unsupportedTypeOrCurveIsRefused(kty: String, crv: String?) {
        let curve = crv.map { #","crv":"\#($0)""# } ?? ""
        let text = #"{"keys":[{"kty":"\#(kty)"\#(curve),"x":"AAAA","y":"AAAA","kid":"k"}]}"#
        let expected: KeySetError =
            crv.map { .unsupportedCurve(index: 0, keyID: "k", keyType: kty, curve: $0) }
            ?? .unsupportedKeyType(index: 0, keyID: "k", keyType: kty)
        #expect(JWKSFixture.load(text).refusal == expected)
    }

    @Test func kidChecks() throws {
        let long = String(repeating: "k", count: JOSEHeader.maxKeyIDLength + 1)
        let exact = String(repeating: "k", count: JOSEHeader.maxKeyIDLength)
        #expect(
            JWKSFixture.load(JWKSFixture.set([try JWKSFixture.entry("p256", kid: long)])).refusal
                == (.keyIDTooLong(index: 0, limit: JOSEHeader.maxKeyIDLength)))
        #expect(try JWKSFixture.load(JWKSFixture.set([try JWKSFixture.entry("p256", kid: exact)])).get().count == 1)
        #expect(
            JWKSFixture.load(JWKSFixture.set([try JWKSFixture.entry("p256", kid: "")])).refusal
                == (.emptyKeyID(index: 0)))
        #expect(
            JWKSFixture.load(JWKSFixture.set([try JWKSFixture.entry("p256", kid: nil, extra: #""kid":7"#)])).refusal
                == (.memberNotString(index: 0, keyID: nil, member: "kid")))
    }

    /// Bad key material surfaces as the KeyError VerificationKey gives, tagged with the entry.
    @Test func invalidKeyMaterialIsRefused() throws {
        let weak = JWKSFixture.set([
            try JWKSFixture.entry("p256", kid: "ok"), try JWKSFixture.entry("rsa1024", kid: "w"),
        ])
        #expect(JWKSFixture.load(weak).refusal == (.invalidKey(index: 1, keyID: "w", .rsaKeyTooSmall(bits: 1024))))

        let short = JWKSFixture.set([try JWKSFixture.entry("hmac20", kid: "h")])
        #expect(JWKSFixture.load(short).refusal == (.invalidKey(index: 0, keyID: "h", .hmacSecretTooShort(bytes: 20))))

        // P-384 coordinates under a P-256 label.
        let p384 = try #require(Self.vectors.keys["p384"]?.jwk)
        let mislabelled = #"{"keys":[{"kty":"EC","crv":"P-256","x":"\#(p384["x"] ?? "")","y":"\#(p384["y"] ?? "")"}]}"#
        #expect(
            JWKSFixture.load(mislabelled).refusal
                == (.invalidKey(index: 0, keyID: nil, .ecCoordinateLength(expected: 32, x: 48, y: 48))))

        // A point off the curve: y of another key.
        let p256 = try #require(Self.vectors.keys["p256"]?.jwk)
        let p256b = try #require(Self.vectors.keys["p256b"]?.jwk)
        let offCurve = #"{"keys":[{"kty":"EC","crv":"P-256","x":"\#(p256["x"] ?? "")","y":"\#(p256b["y"] ?? "")"}]}"#
        #expect(JWKSFixture.load(offCurve).refusal == (.invalidKey(index: 0, keyID: nil, .ecPointNotOnCurve)))
    }

    @Test func descriptionsAreOneLineNamingTheEntry() {
        let errors: [KeySetError] = [
            .privateMember(index: 1, keyID: "k2", member: "d"),
            .algorithmDoesNotFitKey(index: 0, keyID: "rsa-1", algorithm: "HS256", keyType: "RSA"),
            .unsupportedUse(index: 3, keyID: nil, use: "enc"),
            .duplicateKeyID(index: 2, keyID: "a", firstIndex: 0),
            .invalidKey(index: 4, keyID: "w", .rsaKeyTooSmall(bits: 1024)),
            .notJSON(.duplicateMemberName), .emptySet, .noKeys, .invalidPEMBlock(number: 2, .privateKeyPEM),
        ]
        for error in errors {
            #expect(!error.description.contains("\n"))
        }
        #expect(errors[0].description.hasPrefix("JWKS keys[1] (kid 'k2'): "))
        #expect(errors[0].description.contains("\"d\""))
        #expect(errors[2].description.hasPrefix("JWKS keys[3]: "))
        #expect(errors[3].description.contains("keys[0]"))
        // A kid that is not short printable ASCII is not echoed (it could be a pasted secret or an escape).
        let odd = KeySetError.duplicateKeyID(index: 0, keyID: "\u{1b}[2J", firstIndex: 0).description
        #expect(!odd.contains("\u{1b}"))
        #expect(odd.contains("4-byte"))
    }
}
