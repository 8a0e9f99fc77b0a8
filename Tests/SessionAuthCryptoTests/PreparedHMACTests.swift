import SessionAuthCore
import Testing

@testable import SessionAuthCrypto

/// `PreparedHMAC` reuses one keyed context per hash, restarted before each MAC: a restart that kept
/// anything of the previous message would give wrong MACs from the second check on. RFC 4231's test
/// cases 6 and 7 (a 131-byte key, messages shorter and longer than a block), alternated on one key.
@Suite struct PreparedHMACTests {
    static let key = [UInt8](repeating: 0xaa, count: 131)
    static let shortMessage = Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
    static let longMessage = Array(
        ("This is a test using a larger than block-size key and a larger than block-size data. The key needs "
            + "to be hashed before being used by the HMAC algorithm.").utf8)

    static let expected: [(JWSDigest, short: String, long: String)] = [
        (
            .sha256, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
        ),
        (
            .sha512,
            "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
                + "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
            "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
                + "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"
        ),
    ]

    @Test func everyMACIsOfItsOwnMessageOnly() {
        let hmac = PreparedHMAC(secret: Self.key)
        for round in 0..<3 {
            for (digest, short, long) in Self.expected {
                #expect(hmac.mac(digest, of: Self.shortMessage).map(Hex.encode) == short, "round \(round)")
                #expect(hmac.mac(digest, of: Self.longMessage).map(Hex.encode) == long, "round \(round)")
                #expect(hmac.mac(digest, of: Self.shortMessage).map(Hex.encode) == short, "round \(round)")
            }
        }
    }

    /// Checks from many threads at once: those that find the reused context busy work on a duplicate.
    @Test func concurrentChecksAllGetTheRightMAC() async {
        let hmac = PreparedHMAC(secret: Self.key)
        let (digest, short, long) = Self.expected[0]
        let results = await withTaskGroup(of: Bool.self) { group in
            for task in 0..<400 {
                group.addTask {
                    let message = task.isMultiple(of: 2) ? Self.shortMessage : Self.longMessage
                    let want = task.isMultiple(of: 2) ? short : long
                    return hmac.mac(digest, of: message).map(Hex.encode) == want
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 400 && results.allSatisfy { $0 })
    }

    @Test func aSecretShorterThanTheHashHasNoMAC() {
        let hmac = PreparedHMAC(secret: [UInt8](repeating: 1, count: 40))
        #expect(hmac.mac(.sha256, of: Self.shortMessage) != nil)
        #expect(hmac.mac(.sha384, of: Self.shortMessage) == nil)
        #expect(hmac.mac(.sha512, of: Self.shortMessage) == nil)
    }
}
