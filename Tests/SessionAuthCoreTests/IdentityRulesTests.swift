import SessionAuthCore
import Testing

@Suite struct IdentityRulesTests {
    let rules = IdentityRules()

    @Test(arguments: ["A", "Z", "a", "z", "0", "9", "_", "-", ".", ":", "@", "Sensor_01-a.b:c@d", "ABCxyz789"])
    func acceptsEachAllowedClass(name: String) {
        #expect(rules.violation(in: name.utf8) == nil)
        #expect(rules.isValid(name))
    }

    @Test func allowedBytesAreExactlyTheDocumentedAlphabet() {
        let allowed = (UInt8.min...UInt8.max).filter(IdentityRules.isAllowed)
        let expected = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.:@".utf8).sorted()
        #expect(allowed == expected)
        #expect(allowed.count == 67)
    }

    @Test(arguments: [
        ("dev/1", 3),  // a '/' would reach another subtree once %u is expanded
        ("dev+", 3),
        ("#", 0),
        ("dev 1", 3),
        ("dev\u{0}1", 3),
        ("café", 3),  // é is two bytes, the first at offset 3
        ("é", 0),
        ("dev\u{0430}", 3),  // Cyrillic а, a lookalike of Latin a
        ("\u{0430}dmin", 0),
        ("dev\t", 3),
        ("dev\n", 3),
        ("dev*", 3),
        ("dev%u", 3),
        ("$SYS", 0),
    ])
    func refusesForbiddenCharacters(name: String, position: Int) {
        #expect(rules.violation(in: name.utf8) == .forbiddenCharacter(position: position))
        #expect(!rules.isValid(name))
    }

    @Test func lookalikeIsNotTheLatinName() {
        // "аdmin" with a Cyrillic а looks like "admin" but is other bytes, and is refused outright.
        let lookalike = "\u{0430}dmin"
        #expect(lookalike != "admin")
        #expect(rules.isValid("admin"))
        #expect(!rules.isValid(lookalike))
    }

    @Test func refusesEmpty() {
        #expect(rules.violation(in: "".utf8) == .empty)
        #expect(rules.violation(in: [UInt8]()) == .empty)
        #expect(!rules.isValid(""))
    }

    @Test func defaultMaximumIs64Bytes() {
        #expect(IdentityRules.defaultMaxLength == 64)
        #expect(rules.maxLength == 64)
        #expect(rules.violation(in: String(repeating: "a", count: 64).utf8) == nil)
        #expect(rules.violation(in: String(repeating: "a", count: 65).utf8) == .tooLong(length: 65, maxLength: 64))
    }

    @Test func lengthIsCountedInBytes() {
        // 33 two-byte characters are 66 bytes: too long before the alphabet is even looked at.
        let name = String(repeating: "é", count: 33)
        #expect(name.count == 33)
        #expect(rules.violation(in: name.utf8) == .tooLong(length: 66, maxLength: 64))
    }

    @Test(arguments: [1, 8, 100])
    func honoursAConfiguredMaximum(maxLength: Int) {
        let configured = IdentityRules(maxLength: maxLength)
        #expect(configured.violation(in: String(repeating: "x", count: maxLength).utf8) == nil)
        #expect(
            configured.violation(in: String(repeating: "x", count: maxLength + 1).utf8)
                == .tooLong(length: maxLength + 1, maxLength: maxLength))
    }

    @Test func descriptionsNameTheProblemButNotTheName() {
        #expect(IdentityViolation.empty.description == "is empty")
        #expect(
            IdentityViolation.tooLong(length: 65, maxLength: 64).description == "is 65 bytes long (at most 64 allowed)")
        let forbidden = IdentityViolation.forbiddenCharacter(position: 3).description
        #expect(forbidden == "has a character outside A-Z a-z 0-9 _ - . : @ at byte 3")
    }
}
