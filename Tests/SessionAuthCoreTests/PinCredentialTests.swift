import SessionAuthCore
import Testing

@Suite struct PinCredentialTests {
    @Test func splitsSessionIDAndPin() throws {
        let credential = try #require(PinCredential(password: bytes("k3x9m2ab:123456")))
        #expect(credential.sessionID == bytes("k3x9m2ab"))
        #expect(credential.pin == bytes("123456"))
    }

    @Test func splitsAtTheLastColon() throws {
        // Session ids may contain ':' (the alphabet allows it); pins never do.
        let credential = try #require(PinCredential(password: bytes("a:b:c:987654")))
        #expect(credential.sessionID == bytes("a:b:c"))
        #expect(credential.pin == bytes("987654"))
    }

    @Test(arguments: [
        "no-colon-at-all",
        "",
        ":123456",  // empty session id
        "s1:",  // empty pin
        ":",
        "s1:123456:",  // the last ':' leaves an empty pin
    ])
    func refusesPasswordsNotOfTheForm(password: String) {
        #expect(PinCredential(password: bytes(password)) == nil)
    }

    @Test func pinLengthLimit() throws {
        #expect(PinCredential.maxPinLength == 64)
        let longest = String(repeating: "7", count: 64)
        let credential = try #require(PinCredential(password: bytes("s1:" + longest)))
        #expect(credential.pin.count == 64)
        #expect(PinCredential(password: bytes("s1:" + longest + "7")) == nil)
    }

    @Test func keepsBytesAsSent() throws {
        // The credential does not judge the alphabet; LoginPolicy does, on these exact bytes.
        let credential = try #require(PinCredential(password: bytes("s/1:12 34")))
        #expect(credential.sessionID == bytes("s/1"))
        #expect(credential.pin == bytes("12 34"))
    }
}
