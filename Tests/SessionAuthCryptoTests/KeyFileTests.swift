import SessionAuthCore
import SessionAuthCrypto
import Testing

@Suite struct KeyFileTests {
    static let vectors = JWSVectors.shared

    private func load(_ text: String) -> Result<[ConfiguredKey], KeySetError> {
        KeyFile.load(contents: Array(text.utf8))
    }

    private func pem(_ name: String) throws -> String {
        try #require(Self.vectors.keys[name]?.pem)
    }

    @Test func oneKeyPerPEMBlockWithoutKid() throws {
        let text =
            try "# issuer keys, rotated 2030-01\n" + pem("p256") + "\nnext:\n" + pem("p384") + pem("rsa2048")
            + pem("ed25519")
        let keys = try load(text).get()
        #expect(keys.map(\.key.family) == [.ecP256, .ecP384, .rsa, .ed25519])
        #expect(keys.allSatisfy { $0.keyID == nil && $0.algorithm == nil })
    }

    @Test func pkcs1AndCRLFBlocksAreRead() throws {
        let pkcs1 = try #require(Self.vectors.keys["rsa2048"]?.pkcs1Pem)
        let crlf = try pem("p256").replacingOccurrences(of: "\n", with: "\r\n")
        let keys = try load(pkcs1 + crlf).get()
        #expect(keys.map(\.key.family) == [.rsa, .ecP256])
    }

    /// The PEM keys verify the joserfc tokens (checked directly: the tokens carry kids, PEM keys none).
    @Test func pemKeysVerifyVectorTokens() throws {
        let keys = try load(try pem("p256") + pem("rsa3072")).get()
        for vector in Self.vectors.tokens where vector.key == "p256" || vector.key == "rsa3072" {
            let algorithm = try #require(JWSAlgorithm(headerValue: vector.alg))
            let (signingInput, signature) = Bytes.compact(vector.token)
            #expect(
                keys.contains {
                    SignatureVerifier.verify(algorithm, key: $0.key, signingInput: signingInput, signature: signature)
                })
        }
    }

    @Test func ecParametersBesideAKeyAreSkipped() throws {
        let parameters = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
        #expect(try load(parameters + pem("p256")).get().count == 1)
        #expect(load(parameters).refusal == .noKeys)
    }

    @Test func aJWKSIsRecognisedByItsOpeningBrace() throws {
        let jwks = try JWKSFixture.set(named: ["p256", "ed25519"])
        #expect(try load(" \n\t" + jwks).get().map(\.keyID) == ["p256", "ed25519"])
        // Some editors write a byte order mark; it is neither JSON nor PEM.
        #expect(try KeyFile.load(contents: [0xef, 0xbb, 0xbf] + Array(jwks.utf8)).get().count == 2)
        // JWKS errors come through unchanged.
        #expect(load("{}").refusal == .missingKeysArray)
        #expect(load("\n{\"keys\":[]}").refusal == .emptySet)
    }

    @Test func aPrivateKeyAnywhereRefusesTheFile() throws {
        let privateKey = try #require(Self.vectors.refusedPEM["pkcs8PrivateKey"])
        #expect(load(try pem("p256") + privateKey + pem("p384")).refusal == .invalidPEMBlock(number: 2, .privateKeyPEM))
        let ecPrivate = try #require(Self.vectors.refusedPEM["ecPrivateKey"])
        #expect(load(ecPrivate).refusal == .invalidPEMBlock(number: 1, .privateKeyPEM))
    }

    @Test func otherBadBlocksAreNamedByNumber() throws {
        let certificate = try #require(Self.vectors.refusedPEM["certificate"])
        #expect(load(try pem("p256") + certificate).refusal == .invalidPEMBlock(number: 2, .certificatePEM))
        let weak = try #require(Self.vectors.refusedPEM["rsa1024"])
        #expect(load(weak).refusal == .invalidPEMBlock(number: 1, .rsaKeyTooSmall(bits: 1024)))
        let broken = "-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----\n"
        #expect(load(broken).refusal == .invalidPEMBlock(number: 1, .malformedKey("bad PEM encoding")))
        // A block cut short runs into the next one, and is refused rather than skipped.
        let truncated = try String(pem("p256").prefix(60)) + "\n" + pem("p384")
        guard case .invalidPEMBlock(number: 1, _)? = load(truncated).refusal else {
            Issue.record("expected block 1 to be refused, got \(String(describing: load(truncated).refusal))")
            return
        }
    }

    @Test(arguments: ["", "   \n\t\r\n", "just some text", "x-----BEGIN PUBLIC KEY-----\n"])
    func aFileWithoutKeysIsRefused(text: String) {
        #expect(load(text).refusal == .noKeys)
    }
}
