import Foundation
import SessionAuthCore
import SessionAuthCrypto
import Testing
import TokenIssuing

/// Every algorithm end to end: a key the ring made signs a token, and the plugin's own verifier,
/// reading the ring's jwks.json as its key file, accepts it and returns the claims.
@Suite struct SignAndVerifyTests {
    let folder: TemporaryKeysFolder

    init() throws {
        folder = try TemporaryKeysFolder()
    }

    @Test(arguments: JWSAlgorithm.allCases)
    func issuedTokenVerifiesThroughTheExportedJWKS(algorithm: JWSAlgorithm) throws {
        let update = try folder.ring.generate(algorithm)
        #expect(update.key.algorithm == algorithm && update.key.isActive)
        let key = try folder.ring.activeKey()
        #expect(key.keyID == update.key.keyID && key.algorithm == algorithm)

        let request = Sample.request(publish: ["s1/dt/dev1/#"])
        let token = try TokenIssuer.issue(request, with: key)
        let claims = try folder.verifier().verify(Array(token.utf8), now: Sample.now).get()
        #expect(claims.subject == "dev1")
        #expect(claims.sessionID == "s1")
        #expect(claims.role == "device")
        #expect(claims.issuedAt == request.issuedAt && claims.expiresAt == request.expiresAt)
        #expect(claims.notBefore == request.notBefore)
        #expect(claims.tokenID == request.tokenID)
        #expect(claims.issuer == "sessionctl" && claims.audience == ["broker"])
        #expect(claims.publish == ["s1/dt/dev1/#"] && claims.subscribe == ["s1/#"])

        let header = try CompactJWS.parse(Array(token.utf8)).get().header
        #expect(header.algorithm == algorithm && header.keyID == key.keyID && header.type == "JWT")
    }

    @Test(arguments: JWSAlgorithm.allCases)
    func tamperedPayloadIsRefused(algorithm: JWSAlgorithm) throws {
        _ = try folder.ring.generate(algorithm)
        let token = try TokenIssuer.issue(Sample.request(), with: try folder.ring.activeKey())
        let forged = Sample.tampered(token)
        #expect(forged != token)
        let result = try folder.verifier().verify(Array(forged.utf8), now: Sample.now)
        #expect(throws: TokenError.badSignature) { try result.get() }
    }

    @Test(arguments: [(JWSAlgorithm.es256, 64), (.es384, 96), (.edDSA, 64), (.hs256, 32), (.hs384, 48), (.hs512, 64)])
    func signaturesHaveTheirExactLength(algorithm: JWSAlgorithm, length: Int) throws {
        let key = try SigningKey.generate(algorithm, keyID: "k")
        // Many signatures: a DER r or s one byte short happens 1 time in 256 and must still pad to length.
        for index in 0..<300 {
            let signature = try key.sign(signingInput: Array("header.payload\(index)".utf8))
            #expect(signature.count == length)
        }
    }

    @Test(arguments: [JWSAlgorithm.rs256, .ps512])
    func rsaSignaturesAreAsLongAsTheModulus(algorithm: JWSAlgorithm) throws {
        let key = try SigningKey.generate(algorithm, keyID: "k")
        #expect(try key.sign(signingInput: Array("a.b".utf8)).count == 384)  // 3072 bits
    }

    @Test(arguments: JWSAlgorithm.allCases)
    func savedAndReloadedKeySignsForTheOriginalPublicKey(algorithm: JWSAlgorithm) throws {
        let original = try SigningKey.generate(algorithm, keyID: "kid-1")
        let file = try original.privateKeyFileContents()
        let reloaded = try SigningKey.fromPrivateKeyFile(contents: file, algorithm: algorithm, keyID: "kid-1")
        #expect(reloaded.publicJWKMembers.map(\.value) == original.publicJWKMembers.map(\.value))

        let jwks = CompactJSON.object([("keys", .array([original.publicJWK]))]).bytes
        guard let policy = ClaimsPolicy() else { throw FixtureError("policy") }
        let verifier = TokenVerifier(
            keys: try JWKSet.keys(fromJSON: jwks).get(), allowedAlgorithms: [algorithm], claims: policy)
        let token = try TokenIssuer.issue(Sample.request(), with: reloaded)
        #expect(throws: Never.self) { try verifier.verify(Array(token.utf8), now: Sample.now).get() }
        if algorithm.keyFamily != .hmac {
            #expect(String(decoding: file, as: UTF8.self).hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        }
    }

    @Test func globalTokenHasNoSessionID() throws {
        _ = try folder.ring.generate(.es256)
        let token = try TokenIssuer.issue(Sample.request(sessionID: nil), with: try folder.ring.activeKey())
        let claims = try folder.verifier().verify(Array(token.utf8), now: Sample.now).get()
        #expect(claims.sessionID == nil)
        let payload = try CompactJWS.parse(Array(token.utf8)).get().payload
        #expect(!String(decoding: payload, as: UTF8.self).contains("\"sid\""))
    }

    @Test func aKeyFileOfAnotherTypeIsRefused() throws {
        let ecKey = try SigningKey.generate(.es256, keyID: "k").privateKeyFileContents()
        #expect(throws: SigningKeyError.self) {
            try SigningKey.fromPrivateKeyFile(contents: ecKey, algorithm: .es384, keyID: "k")
        }
        #expect(throws: SigningKeyError.self) {
            try SigningKey.fromPrivateKeyFile(contents: ecKey, algorithm: .rs256, keyID: "k")
        }
        #expect(throws: SigningKeyError.invalidSecretText) {
            try SigningKey.fromPrivateKeyFile(contents: ecKey, algorithm: .hs256, keyID: "k")
        }
        let short = Array((Base64URL.encode([UInt8](repeating: 1, count: 32)) + "\n").utf8)
        #expect(throws: SigningKeyError.secretTooShort(.hs512, bytes: 32)) {
            try SigningKey.fromPrivateKeyFile(contents: short, algorithm: .hs512, keyID: "k")
        }
        #expect(throws: SigningKeyError.self) {
            try SigningKey.fromPrivateKeyFile(contents: Array("garbage".utf8), algorithm: .edDSA, keyID: "k")
        }
    }

    @Test func publicJWKMembersAreThePublicHalfOnly() throws {
        let members = try SigningKey.generate(.es256, keyID: "k1").publicJWKMembers
        #expect(members.map(\.name) == ["kty", "kid", "use", "alg", "crv", "x", "y"])
        #expect(members.map(\.value).prefix(5) == ["EC", "k1", "sig", "ES256", "P-256"])
        let okp = try SigningKey.generate(.edDSA, keyID: "k2").publicJWKMembers
        #expect(okp.map(\.name) == ["kty", "kid", "use", "alg", "crv", "x"])
        let rsa = try SigningKey.generate(.ps256, keyID: "k3").publicJWKMembers
        #expect(rsa.map(\.name) == ["kty", "kid", "use", "alg", "n", "e"])
        #expect(rsa.last?.value == "AQAB")
        let hmac = try SigningKey.generate(.hs384, keyID: "k4").publicJWKMembers
        #expect(hmac.map(\.name) == ["kty", "kid", "use", "alg", "k"])
        #expect(Base64URL.decode(hmac.last?.value.utf8 ?? "".utf8)?.count == 48)
    }
}
