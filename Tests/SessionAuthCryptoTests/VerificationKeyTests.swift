import COpenSSL
import SessionAuthCore
import SessionAuthCrypto
import Testing

@Suite struct VerificationKeyTests {
    static let vectors = JWSVectors.shared

    @Test(arguments: [
        ("pkcs8PrivateKey", KeyError.privateKeyPEM),
        ("rsaPrivateKey", .privateKeyPEM),
        ("ecPrivateKey", .privateKeyPEM),
        ("publicKeyThenPrivateKey", .privateKeyPEM),
        ("certificate", .certificatePEM),
        ("rsa1024", .rsaKeyTooSmall(bits: 1024)),
        ("twoPublicKeys", .multiplePublicKeys),
    ])
    func refusedPEM(name: String, expected: KeyError) throws {
        let pem = try #require(Self.vectors.refusedPEM[name])
        #expect(throws: expected) { try VerificationKey(pem: Array(pem.utf8), keyID: nil) }
        #expect(ERR_peek_error() == 0, "OpenSSL error queue left non-empty")
    }

    @Test(arguments: ["secp256k1", "ed448"])
    func unsupportedKeyTypesAreRefused(name: String) throws {
        let pem = try #require(Self.vectors.refusedPEM[name])
        let error = #expect(throws: KeyError.self) { try VerificationKey(pem: Array(pem.utf8), keyID: nil) }
        guard case .unsupportedKeyType = error else {
            Issue.record("expected unsupportedKeyType, got \(String(describing: error))")
            return
        }
        #expect(ERR_peek_error() == 0)
    }

    @Test(arguments: [
        ("", KeyError.noPEMBlock),
        ("just some text, no armour", .noPEMBlock),
        ("-----BEGIN PUBLIC KEY-----\n!!!not base64!!!\n-----END PUBLIC KEY-----\n", .malformedKey("bad PEM encoding")),
        (
            "-----BEGIN SOMETHING ELSE-----\nAAAA\n-----END SOMETHING ELSE-----\n",
            .unsupportedPEMLabel("SOMETHING ELSE")
        ),
    ])
    func malformedPEM(text: String, expected: KeyError) {
        #expect(throws: expected) { try VerificationKey(pem: Array(text.utf8), keyID: nil) }
        #expect(ERR_peek_error() == 0)
    }

    @Test func derThatIsNotAKeyIsMalformed() {
        // Valid base64, valid PEM armour, but the DER inside is a lone INTEGER.
        let pem = "-----BEGIN PUBLIC KEY-----\nAgEB\n-----END PUBLIC KEY-----\n"
        let error = #expect(throws: KeyError.self) { try VerificationKey(pem: Array(pem.utf8), keyID: nil) }
        guard case .malformedKey = error else {
            Issue.record("expected malformedKey, got \(String(describing: error))")
            return
        }
        #expect(ERR_peek_error() == 0)
    }

    @Test(arguments: [
        ("rsa2048", JWSAlgorithm.KeyFamily.rsa), ("rsa3072", .rsa), ("p256", .ecP256), ("p384", .ecP384),
        ("ed25519", .ed25519),
    ])
    func pemAndJWKGiveTheSameFamily(name: String, family: JWSAlgorithm.KeyFamily) throws {
        #expect(try Self.vectors.pemKey(name).family == family)
        #expect(try Self.vectors.jwkKey(name).family == family)
        #expect(try Self.vectors.pemKey(name).keyID == name)
    }

    @Test func rsaComponentsUnder2048BitsAreRefused() throws {
        let jwk = try #require(Self.vectors.keys["rsa1024"]?.jwk)
        let modulus = Bytes.base64URL(try #require(jwk["n"]))
        let exponent = Bytes.base64URL(try #require(jwk["e"]))
        #expect(throws: KeyError.rsaKeyTooSmall(bits: 1024)) {
            try VerificationKey.rsa(modulus: modulus, exponent: exponent, keyID: nil)
        }
    }

    @Test(arguments: [[0x01] as [UInt8], [0x01, 0x00, 0x00], [], [0x00]])
    func rsaExponentMustBeOddAndAboveOne(exponent: [UInt8]) throws {
        let jwk = try #require(Self.vectors.keys["rsa2048"]?.jwk)
        let modulus = Bytes.base64URL(try #require(jwk["n"]))
        #expect(throws: KeyError.rsaExponentInvalid) {
            try VerificationKey.rsa(modulus: modulus, exponent: exponent, keyID: nil)
        }
        #expect(ERR_peek_error() == 0)
    }

    @Test func ecCoordinatesAreAtMostTheFieldSize() throws {
        let jwk = try #require(Self.vectors.keys["p256"]?.jwk)
        let x = Bytes.base64URL(try #require(jwk["x"]))
        let y = Bytes.base64URL(try #require(jwk["y"]))
        #expect(try VerificationKey.ec(curve: .ecP256, x: x, y: y, keyID: nil).family == .ecP256)
        // Without its leading byte, a coordinate that does not start with zero is another number: off the curve.
        #expect(x[0] != 0)
        #expect(throws: KeyError.ecPointNotOnCurve) {
            try VerificationKey.ec(curve: .ecP256, x: Array(x.dropFirst()), y: y, keyID: nil)
        }
        #expect(throws: KeyError.ecCoordinateLength(expected: 32, x: 33, y: 32)) {
            try VerificationKey.ec(curve: .ecP256, x: [0] + x, y: y, keyID: nil)
        }
        #expect(throws: KeyError.ecCoordinateLength(expected: 32, x: 0, y: 32)) {
            try VerificationKey.ec(curve: .ecP256, x: [], y: y, keyID: nil)
        }
        // P-256 coordinates given as P-384 are padded into a point that is not on P-384: never another key.
        #expect(throws: KeyError.ecPointNotOnCurve) {
            try VerificationKey.ec(curve: .ecP384, x: x, y: y, keyID: nil)
        }
    }

    /// PyJWT 2.6 leaves out a coordinate's leading zero bytes (about one key in 140); such a JWK loads as the
    /// key it stands for. This P-256 point's x starts with a zero byte.
    @Test func aCoordinateWithoutItsLeadingZeroIsTheSameKey() throws {
        let x = Bytes.base64URL("AIH8l8LjwGtL_zXe_Aqn45cia7r6dd5U7QnP-z1ETNI")
        let y = Bytes.base64URL("d_Y_1qxER3w9e1KLSlboE3E8ShnIt2l2pe26XUjV8sY")
        #expect(x.count == 32 && x[0] == 0)
        #expect(try VerificationKey.ec(curve: .ecP256, x: x, y: y, keyID: nil).family == .ecP256)
        #expect(try VerificationKey.ec(curve: .ecP256, x: Array(x.dropFirst()), y: y, keyID: nil).family == .ecP256)
        #expect(throws: KeyError.ecCurveNotSupported) { try VerificationKey.ec(curve: .rsa, x: x, y: y, keyID: nil) }
    }

    @Test func ecPointOffTheCurveIsRefused() throws {
        let jwk = try #require(Self.vectors.keys["p256"]?.jwk)
        let x = Bytes.base64URL(try #require(jwk["x"]))
        var y = Bytes.base64URL(try #require(jwk["y"]))
        y[31] ^= 0x01
        #expect(throws: KeyError.ecPointNotOnCurve) { try VerificationKey.ec(curve: .ecP256, x: x, y: y, keyID: nil) }
        #expect(throws: KeyError.ecPointNotOnCurve) {
            try VerificationKey.ec(
                curve: .ecP256, x: [UInt8](repeating: 0, count: 32), y: [UInt8](repeating: 0, count: 32), keyID: nil)
        }
        #expect(ERR_peek_error() == 0)
    }

    @Test func ed25519KeyIs32Bytes() {
        #expect(throws: KeyError.ed25519KeyLength(31)) {
            try VerificationKey.ed25519(publicKey: [UInt8](repeating: 7, count: 31), keyID: nil)
        }
        #expect(throws: KeyError.ed25519KeyLength(33)) {
            try VerificationKey.ed25519(publicKey: [UInt8](repeating: 7, count: 33), keyID: nil)
        }
    }

    @Test func hmacSecretShorterThan32BytesIsRefused() throws {
        let secret = Bytes.base64URL(try #require(Self.vectors.keys["hmac20"]?.secret))
        #expect(secret.count == 20)
        #expect(throws: KeyError.hmacSecretTooShort(bytes: 20)) { try VerificationKey.hmac(secret: secret, keyID: nil) }
        #expect(throws: KeyError.hmacSecretTooShort(bytes: 31)) {
            try VerificationKey.hmac(secret: [UInt8](repeating: 1, count: 31), keyID: nil)
        }
    }

    @Test(arguments: [
        (32, [JWSAlgorithm.hs256]), (47, [.hs256]), (48, [.hs256, .hs384]), (63, [.hs256, .hs384]),
        (64, [.hs256, .hs384, .hs512]),
    ])
    func hmacAcceptsOnlyHashesNoLongerThanTheSecret(length: Int, accepted: [JWSAlgorithm]) throws {
        let key = try VerificationKey.hmac(secret: [UInt8](repeating: 0x5a, count: length), keyID: "k")
        #expect(key.hmacSecretLength == length)
        for algorithm in JWSAlgorithm.allCases {
            #expect(key.accepts(algorithm) == accepted.contains(algorithm), "\(algorithm.rawValue)")
        }
    }

    @Test(arguments: [
        ("rsa2048", [JWSAlgorithm.rs256, .rs384, .rs512, .ps256, .ps384, .ps512]),
        ("p256", [.es256]), ("p384", [.es384]), ("ed25519", [.edDSA]),
    ])
    func publicKeysAcceptTheirFamilyOnly(name: String, accepted: [JWSAlgorithm]) throws {
        let key = try Self.vectors.pemKey(name)
        #expect(key.hmacSecretLength == nil)
        for algorithm in JWSAlgorithm.allCases {
            #expect(key.accepts(algorithm) == accepted.contains(algorithm), "\(name) / \(algorithm.rawValue)")
        }
    }

    @Test(arguments: [
        KeyError.noPEMBlock, .privateKeyPEM, .certificatePEM, .encryptedPEM, .unsupportedPEMLabel("X"),
        .multiplePublicKeys, .malformedKey("m"), .unsupportedKeyType("DSA"), .rsaKeyTooSmall(bits: 1024),
        .rsaExponentInvalid, .ecCurveNotSupported, .ecCoordinateLength(expected: 32, x: 1, y: 2), .ecPointNotOnCurve,
        .ed25519KeyLength(3), .hmacSecretTooShort(bytes: 4), .openSSLFailure("f"),
    ])
    func everyKeyErrorIsOneLine(error: KeyError) {
        #expect(!error.description.isEmpty)
        #expect(!error.description.contains("\n"))
    }

    /// Garbage of every length never traps and never verifies.
    @Test(arguments: ["rsa2048", "p256", "p384", "ed25519", "hs512"])
    func arbitrarySignaturesAreRefusedWithoutTrapping(name: String) throws {
        let key = try Self.vectors.pemKey(name)
        for algorithm in JWSAlgorithm.allCases {
            for length in [0, 1, 31, 32, 48, 63, 64, 65, 96, 255, 256, 384, 512, 1024] {
                let signature = [UInt8](repeating: 0xff, count: length)
                #expect(!SignatureVerifier.verify(algorithm, key: key, signingInput: [], signature: signature))
                #expect(
                    !SignatureVerifier.verify(
                        algorithm, key: key, signingInput: Array("a.b".utf8), signature: signature))
            }
        }
        #expect(ERR_peek_error() == 0)
    }
}
