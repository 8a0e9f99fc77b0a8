import SessionAuthCore
import SessionAuthCrypto
import Testing

@Suite struct PinHashTests {
    let digester = OpenSSLDigester()

    @Test func openSSLDigesterMatchesKnownSHA256Vectors() {
        #expect(
            Hex.encode(digester.sha256(bytes("abc")))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.encode(digester.sha256([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func digestIsSHA256OfSaltThenPin() {
        let hash = PinHash(pin: bytes("123456"), salt: Fixtures.salt, using: digester)
        #expect(hash.salt == Fixtures.salt)
        #expect(hash.digest == digester.sha256(Fixtures.salt + bytes("123456")))
        #expect(hash.digest.count == PinHash.digestLength)
    }

    @Test func storedFormIsSchemeSaltDigest() {
        let hash = PinHash(pin: bytes("123456"), salt: Fixtures.salt, using: digester)
        #expect(hash.stored == "sha256$000102030405060708090a0b0c0d0e0f$" + Hex.encode(hash.digest))
        #expect(hash.stored.utf8.count == 6 + 1 + 32 + 1 + 64)
        #expect(!hash.stored.contains("123456"))
    }

    @Test func storedRoundTrip() throws {
        let hash = PinHash(pin: bytes("123456"), salt: Fixtures.salt, using: digester)
        let parsed = try #require(PinHash(stored: hash.stored))
        #expect(parsed == hash)
        #expect(parsed.stored == hash.stored)
        #expect(parsed.matches(pin: bytes("123456"), using: digester))
    }

    @Test(arguments: ["123457", "12345", "1234567", "", "654321", "123456 ", " 123456", "000000"])
    func wrongPinIsRefused(pin: String) throws {
        let parsed = try #require(
            PinHash(stored: PinHash(pin: bytes("123456"), salt: Fixtures.salt, using: digester).stored))
        #expect(!parsed.matches(pin: bytes(pin), using: digester))
    }

    @Test func sameSaltSamePinSameHash() {
        #expect(Fixtures.pinHash("123456") == Fixtures.pinHash("123456"))
    }

    @Test func differentSaltsGiveDifferentHashesOfTheSamePin() {
        let first = PinHash(pin: bytes("123456"), salt: Fixtures.salt, using: digester)
        let second = PinHash(pin: bytes("123456"), salt: Fixtures.otherSalt, using: digester)
        #expect(first.digest != second.digest)
        #expect(first.stored != second.stored)
        #expect(first.matches(pin: bytes("123456"), using: digester))
        #expect(second.matches(pin: bytes("123456"), using: digester))
        // A salt is bound to its digest: the first salt with the second digest matches nothing.
        let swapped = PinHash(salt: first.salt, digest: second.digest)
        #expect(!swapped.matches(pin: bytes("123456"), using: digester))
    }

    @Test func randomSaltsFromOpenSSLDiffer() throws {
        let a = try #require(SecureRandom.bytes(PinHash.saltLength))
        let b = try #require(SecureRandom.bytes(PinHash.saltLength))
        #expect(a.count == 16)
        #expect(a != b)
        #expect(
            PinHash(pin: bytes("123456"), salt: a, using: digester)
                != PinHash(pin: bytes("123456"), salt: b, using: digester))
    }

    static let salt = "000102030405060708090a0b0c0d0e0f"
    static let digest = String(repeating: "ab", count: 32)

    @Test(arguments: [
        "",
        "sha256",
        "sha256$",
        "sha256$$",
        "sha256$\(salt)",  // digest missing
        "sha256$\(salt)$",  // digest empty
        "sha256$$\(digest)",  // salt empty
        "$\(salt)$\(digest)",  // scheme empty
        "md5$\(salt)$\(digest)",  // wrong scheme
        "SHA256$\(salt)$\(digest)",  // scheme is case-sensitive
        "sha512$\(salt)$\(digest)",
        "sha256$\(salt)$\(digest)$",  // extra part
        "sha256$\(salt)$\(digest)$00",
        "sha256$\(salt.dropLast(2))$\(digest)",  // 15-byte salt
        "sha256$\(salt)00$\(digest)",  // 17-byte salt
        "sha256$\(salt)$\(digest.dropLast(2))",  // 31-byte digest
        "sha256$\(salt)$\(digest)00",  // 33-byte digest
        "sha256$\(salt)0$\(digest)",  // odd-length hex
        "sha256$\(salt)$\(digest.dropLast())",
        "sha256$\(salt.dropLast())g$\(digest)",  // not hex
        "sha256$\(salt)$\(digest.dropLast())z",
        "sha256$\(salt)$\(digest.dropLast(2)) 0",
        " sha256$\(salt)$\(digest)",
        "sha256$\(salt)$\(digest)\n",
        "sha256:\(salt):\(digest)",  // other separator
        "123456",  // a pin stored in clear
        "plain:123456",
    ])
    func unreadableStoredFormsAreRefused(stored: String) {
        #expect(PinHash(stored: stored) == nil)
    }

    @Test func theValidBaseOfTheGarbledFormsParses() {
        // Guards the table above: its good base must parse, so each nil comes from the one change.
        let parsed = PinHash(stored: "sha256$\(Self.salt)$\(Self.digest)")
        #expect(parsed?.salt == Fixtures.salt)
        #expect(parsed?.digest == [UInt8](repeating: 0xab, count: 32))
    }

    @Test func tamperedDigestNoLongerMatches() throws {
        let stored = PinHash(pin: bytes("123456"), salt: Fixtures.salt, using: digester).stored
        var characters = Array(stored)
        characters[characters.count - 1] = characters.last == "0" ? "1" : "0"
        let tampered = try #require(PinHash(stored: String(characters)))
        #expect(!tampered.matches(pin: bytes("123456"), using: digester))
    }

    @Test func tamperedSaltNoLongerMatches() throws {
        let stored = PinHash(pin: bytes("123456"), salt: Fixtures.salt, using: digester).stored
        #expect(stored.hasPrefix("sha256$00"))
        let tampered = try #require(PinHash(stored: "sha256$01" + stored.dropFirst("sha256$00".count)))
        #expect(tampered.salt != Fixtures.salt)
        #expect(!tampered.matches(pin: bytes("123456"), using: digester))
    }
}
