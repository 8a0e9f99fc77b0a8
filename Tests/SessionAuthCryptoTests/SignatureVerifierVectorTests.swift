import SessionAuthCore
import SessionAuthCrypto
import Testing

/// Interoperability: tokens signed by joserfc verify with the public half loaded as PEM and as JWK
/// components; the generated negative cases (scripts/make-jws-test-vectors.py) are refused.
@Suite struct SignatureVerifierVectorTests {
    static let vectors = JWSVectors.shared

    @Test func theVectorFileCoversEveryAlgorithm() {
        let signed = Set(Self.vectors.tokens.map(\.alg))
        #expect(signed == Set(JWSAlgorithm.allCases.map(\.rawValue)))
        #expect(Self.vectors.tokens.count >= 36)
        #expect(Self.vectors.cases.count >= 100)
    }

    @Test(arguments: vectors.tokens)
    func joserfcTokenVerifiesWithPEMAndJWKKeys(_ vector: JWSVectors.Token) throws {
        let algorithm = try #require(JWSAlgorithm(headerValue: vector.alg))
        let (signingInput, signature) = Bytes.compact(vector.token)
        let fromPEM = try Self.vectors.pemKey(vector.key)
        let fromJWK = try Self.vectors.jwkKey(vector.key)
        #expect(SignatureVerifier.verify(algorithm, key: fromPEM, signingInput: signingInput, signature: signature))
        #expect(SignatureVerifier.verify(algorithm, key: fromJWK, signingInput: signingInput, signature: signature))

        // And the same token, one bit off in the signature, does not.
        var damaged = signature
        damaged[damaged.count - 1] ^= 0x80
        #expect(!SignatureVerifier.verify(algorithm, key: fromPEM, signingInput: signingInput, signature: damaged))
    }

    @Test(arguments: vectors.cases)
    func generatedCase(_ vector: JWSVectors.Case) throws {
        let algorithm = try #require(JWSAlgorithm(headerValue: vector.alg))
        let key = try Self.vectors.pemKey(vector.key)
        let result = SignatureVerifier.verify(
            algorithm, key: key, signingInput: Array(vector.signingInput.utf8), signature: Bytes.hex(vector.signature))
        #expect(result == vector.valid)
    }

    @Test func tokensVerifyWithThePKCS1RSAPublicKeyPEM() throws {
        let pem = try #require(Self.vectors.keys["rsa2048"]?.pkcs1Pem)
        #expect(pem.hasPrefix("-----BEGIN RSA PUBLIC KEY-----"))
        let key = try VerificationKey(pem: Array(pem.utf8), keyID: nil)
        #expect(key.family == .rsa)
        let tokens = Self.vectors.tokens.filter { $0.key == "rsa2048" }
        #expect(!tokens.isEmpty)
        for vector in tokens {
            let algorithm = try #require(JWSAlgorithm(headerValue: vector.alg))
            let (signingInput, signature) = Bytes.compact(vector.token)
            #expect(SignatureVerifier.verify(algorithm, key: key, signingInput: signingInput, signature: signature))
        }
    }

    /// Every token is checked under every algorithm with its own key: only its own algorithm passes
    /// (no confusion between families, hashes, or RSA paddings).
    @Test(arguments: vectors.tokens)
    func aTokenVerifiesUnderItsOwnAlgorithmOnly(_ vector: JWSVectors.Token) throws {
        let own = try #require(JWSAlgorithm(headerValue: vector.alg))
        let key = try Self.vectors.pemKey(vector.key)
        let (signingInput, signature) = Bytes.compact(vector.token)
        for algorithm in JWSAlgorithm.allCases {
            let result = SignatureVerifier.verify(algorithm, key: key, signingInput: signingInput, signature: signature)
            #expect(result == (algorithm == own), "\(vector.alg) token checked as \(algorithm.rawValue)")
        }
    }

    /// The RS/HS confusion attack: the RSA key never verifies an HS256 MAC made with its own PEM text
    /// as the secret, while that MAC is correct for that secret.
    @Test func rsaPublicKeyIsNeverAnHMACSecret() throws {
        let rsaKey = try Self.vectors.pemKey("rsa2048")
        let pemBytes = try #require(Self.vectors.keys["rsa2048"]?.pem).utf8
        let forged = try #require(Self.vectors.cases.first { $0.key == "rsa2048" && $0.alg == "HS256" })
        let signature = Bytes.hex(forged.signature)
        #expect(!rsaKey.accepts(.hs256))
        #expect(
            !SignatureVerifier.verify(
                .hs256, key: rsaKey, signingInput: Array(forged.signingInput.utf8), signature: signature))
        let hmacKey = try VerificationKey.hmac(secret: Array(pemBytes), keyID: nil)
        #expect(
            SignatureVerifier.verify(
                .hs256, key: hmacKey, signingInput: Array(forged.signingInput.utf8), signature: signature))
    }
}
