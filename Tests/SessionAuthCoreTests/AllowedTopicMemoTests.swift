import Testing

@testable import SessionAuthCore

/// The per-message path remembers the last allowed topic per direction (AllowedTopicMemo): a remembered
/// allow must never let through what the rules, the expiry or the direction would now refuse.
@Suite struct AllowedTopicMemoTests {
    static let now = Fixtures.now

    static func device(expiresAt: Int64? = nil) -> AuthenticatedClient {
        Fixtures.client(session: "s1", profile: Fixtures.telemetryProfile, expiresAt: expiresAt)
    }

    static func message(_ kind: AccessKind, _ topic: String, _ client: AuthenticatedClient, now: Int64 = now)
        -> AccessDecision
    {
        AccessPolicy.decideMessage(kind, topic: topic.utf8.span, client: client, now: now)
    }

    @Test func newRulesEndARememberedAllow() {
        let client = Self.device()
        #expect(Self.message(.write, "s1/dt/t/dev1/x", client) == .allow)
        #expect(Self.message(.write, "s1/dt/t/dev1/x", client) == .allow)
        let readOnly = Profile(
            name: "telemetry", description: "",
            rules: [ProfileRule(profile: "telemetry", role: "device", access: .read, pattern: "dt/+/%u/#")])
        client.rules = client.compiledRules(from: readOnly, profileName: "telemetry")
        #expect(Self.message(.write, "s1/dt/t/dev1/x", client) != .allow)
    }

    @Test func expiryEndsARememberedAllow() {
        let client = Self.device(expiresAt: Self.now + 10)
        #expect(Self.message(.write, "s1/dt/t/dev1/x", client) == .allow)
        #expect(Self.message(.write, "s1/dt/t/dev1/x", client, now: Self.now + 10) == .deny(.sessionExpired))
    }

    /// The memo compares eight bytes at a time and then the tail: one byte changed anywhere, in a word or
    /// in the tail, at every length around the word size, is another topic.
    @Test(arguments: [1, 7, 8, 9, 15, 16, 17, 40])
    func aTopicDifferingInAnyOneByteIsNotRemembered(length: Int) {
        let topic = Array(repeating: UInt8(ascii: "a"), count: length)
        var memo = AllowedTopicMemo()
        memo.remember(.write, topic.span)
        func remembers(_ bytes: [UInt8]) -> Bool { memo.contains(.write, bytes.span) }
        #expect(remembers(topic))
        for position in 0..<length {
            var other = topic
            other[position] = UInt8(ascii: "b")
            #expect(!remembers(other), "differs at byte \(position) of \(length)")
        }
        #expect(!remembers(topic + [UInt8(ascii: "a")]))
        #expect(!remembers(Array(topic.dropLast())))
    }

    @Test func onlyTheSameBytesInTheSameDirectionAreRemembered() {
        let client = Self.device()
        #expect(Self.message(.write, "s1/dt/t/dev1/x", client) == .allow)
        // Same length, one byte different: another device's topic.
        #expect(Self.message(.write, "s1/dt/t/dev2/x", client) != .allow)
        // A prefix of the remembered topic, and the remembered topic in the other direction (dt is write-only).
        #expect(Self.message(.write, "s1/dt/t", client) != .allow)
        #expect(Self.message(.read, "s1/dt/t/dev1/x", client) != .allow)
        #expect(Self.message(.write, "s2/dt/t/dev1/x", client) != .allow)
    }

    /// Over a sequence with repeats, the remembering path decides exactly as the full evaluation.
    @Test func decidesAsTheFullEvaluation() {
        let client = Self.device()
        let topics = [
            "s1/dt/t/dev1/x", "s1/dt/t/dev1/x", "s1/cmd/fw/dev1/set", "s1/cmd/fw/dev1/set", "s1/dt/t/dev1/x",
            "s1/dt/t/dev9/x", "s1/cmd/fw/dev9/set", "$SYS/x", "s1/dt/t/dev1/x", "s1", "s1/", "s1/cmd/fw/dev1/set",
            "s1/dt/t/dev1/" + String(repeating: "y", count: 300), "s1/dt/t/dev1/" + String(repeating: "y", count: 300),
            "s1/cmd/+/dev1/#", "#",
            "$share/g/s1/cmd/+/dev1/#",
        ]
        // Subscribe and unsubscribe too: decideMessage hands them to the general path rather than trapping.
        for kind in AccessKind.allCases {
            for topic in topics {
                #expect(
                    Self.message(kind, topic, client)
                        == AccessPolicy.decide(kind, topic: topic, client: client, now: Self.now),
                    "\(kind) \(topic)")
            }
        }
    }
}
