import Testing

@testable import SessionAuthCore

/// `ClientRegistry.messageShortcut` answers a message without a decision only when it repeats the
/// topic its connection was last allowed, in the same direction, before the connection's end.
@Suite struct MessageShortcutTests {
    static let now = Fixtures.now
    static let connection = ConnectionID(7)

    static func registry(with client: AuthenticatedClient) -> ClientRegistry {
        var registry = ClientRegistry()
        registry.admit(client, as: connection)
        return registry
    }

    static func device(expiresAt: Int64? = nil) -> AuthenticatedClient {
        Fixtures.client(session: "s1", profile: Fixtures.telemetryProfile, expiresAt: expiresAt)
    }

    static func shortcut(_ registry: inout ClientRegistry, _ kind: AccessKind, _ topic: String) -> MessageShortcut {
        registry.messageShortcut(kind, topic: topic.utf8.span, connection: connection)
    }

    static func decide(_ kind: AccessKind, _ topic: String, _ client: AuthenticatedClient) -> AccessDecision {
        AccessPolicy.decideMessage(kind, topic: topic.utf8.span, client: client, now: now)
    }

    @Test func anUnknownConnectionIsJudged() {
        var registry = ClientRegistry()
        #expect(Self.shortcut(&registry, .write, "s1/dt/t/dev1/x") == .judge)
    }

    @Test func onlyATopicAlreadyAllowedInTheSameDirectionIsAnsweredWithoutJudgement() {
        let client = Self.device()
        var registry = Self.registry(with: client)
        #expect(Self.shortcut(&registry, .write, "s1/dt/t/dev1/x") == .judge, "nothing allowed yet")
        #expect(Self.decide(.write, "s1/dt/t/dev1/x", client) == .allow)
        #expect(Self.shortcut(&registry, .write, "s1/dt/t/dev1/x") == .allowedAgain(until: .max))
        #expect(Self.shortcut(&registry, .read, "s1/dt/t/dev1/x") == .judge, "the other direction")
        #expect(Self.shortcut(&registry, .write, "s1/dt/t/dev1/y") == .judge, "another topic")
        #expect(Self.shortcut(&registry, .write, "s1/dt/t/dev1/x/") == .judge, "a longer topic")
        #expect(Self.shortcut(&registry, .write, "s1/dt/t/dev1/") == .judge, "a shorter topic")
        #expect(Self.shortcut(&registry, .subscribe, "s1/dt/t/dev1/x") == .judge, "not a message")
    }

    @Test func aDeniedTopicIsNeverAnsweredWithoutJudgement() {
        let client = Self.device()
        var registry = Self.registry(with: client)
        #expect(Self.decide(.write, "s2/dt/t/dev1/x", client) != .allow)
        #expect(Self.shortcut(&registry, .write, "s2/dt/t/dev1/x") == .judge)
    }

    @Test func newRulesEndTheShortcut() {
        let client = Self.device()
        var registry = Self.registry(with: client)
        #expect(Self.decide(.write, "s1/dt/t/dev1/x", client) == .allow)
        registry.recompileRules { $0.compiledRules(from: Fixtures.telemetryProfile, profileName: "telemetry") }
        #expect(Self.shortcut(&registry, .write, "s1/dt/t/dev1/x") == .judge)
    }

    @Test func aRemovedConnectionIsJudgedAgain() {
        let client = Self.device()
        var registry = Self.registry(with: client)
        #expect(Self.decide(.write, "s1/dt/t/dev1/x", client) == .allow)
        _ = registry.remove(Self.connection)
        #expect(Self.shortcut(&registry, .write, "s1/dt/t/dev1/x") == .judge)
    }

    @Test func aRememberedAllowEndsWithTheConnection() {
        let client = Self.device(expiresAt: Self.now + 10)
        var registry = Self.registry(with: client)
        #expect(Self.decide(.write, "s1/dt/t/dev1/x", client) == .allow)
        let shortcut = Self.shortcut(&registry, .write, "s1/dt/t/dev1/x")
        #expect(shortcut == .allowedAgain(until: Self.now + 10))
        #expect(shortcut.allows(now: { Self.now + 9 }))
        #expect(!shortcut.allows(now: { Self.now + 10 }), "the end's own second is past it")
        #expect(!shortcut.allows(now: { Self.now + 11 }))
    }

    @Test func theClockIsReadOnlyForAConnectionWithAnEnd() {
        var reads = 0
        #expect(
            MessageShortcut.allowedAgain(until: .max).allows(now: {
                reads += 1
                return Self.now
            }))
        #expect(reads == 0)
        #expect(
            MessageShortcut.allowedAgain(until: Self.now + 1).allows(now: {
                reads += 1
                return Self.now
            }))
        #expect(reads == 1)
        #expect(!MessageShortcut.judge.allows(now: { Self.now }))
    }
}
