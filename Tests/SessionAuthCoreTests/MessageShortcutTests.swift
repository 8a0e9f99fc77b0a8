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
        // The coarse clock reads the same second as the exact one (the common case) …
        for second in [Self.now - 100, Self.now + 7, Self.now + 9] {
            #expect(shortcut.allows(coarseNow: { second }, now: { second }))
        }
        #expect(
            !shortcut.allows(coarseNow: { Self.now + 10 }, now: { Self.now + 10 }), "the end's own second is past it")
        #expect(!shortcut.allows(coarseNow: { Self.now + 11 }, now: { Self.now + 11 }))
        // … or trails it: near the end the exact clock decides.
        #expect(!shortcut.allows(coarseNow: { Self.now + 9 }, now: { Self.now + 10 }))
        #expect(!shortcut.allows(coarseNow: { Self.now + 8 }, now: { Self.now + 10 }))
        #expect(shortcut.allows(coarseNow: { Self.now + 8 }, now: { Self.now + 9 }))
    }

    /// Counts the reads of each clock while asking `shortcut` at coarse time `coarse` and exact time `exact`.
    private static func ask(_ shortcut: MessageShortcut, coarse: Int64, exact: Int64) -> (
        allowed: Bool, coarseReads: Int, exactReads: Int
    ) {
        var coarseReads = 0
        var exactReads = 0
        let allowed = shortcut.allows(
            coarseNow: {
                coarseReads += 1
                return coarse
            },
            now: {
                exactReads += 1
                return exact
            })
        return (allowed, coarseReads, exactReads)
    }

    @Test func noClockIsReadForAConnectionWithoutAnEnd() {
        let answer = Self.ask(.allowedAgain(until: .max), coarse: Self.now, exact: Self.now)
        #expect(answer.allowed && answer.coarseReads == 0 && answer.exactReads == 0)
        let judged = Self.ask(.judge, coarse: Self.now, exact: Self.now)
        #expect(!judged.allowed && judged.coarseReads == 0 && judged.exactReads == 0)
    }

    @Test func theExactClockIsReadOnlyWithinTheCoarseClocksLagOfTheEnd() {
        let end = Self.now + 100
        let lag = MessageShortcut.coarseClockLag
        // Further from the end than the coarse clock can trail: the coarse reading answers alone.
        let far = Self.ask(.allowedAgain(until: end), coarse: end - lag - 1, exact: end - lag - 1)
        #expect(far.allowed && far.coarseReads == 1 && far.exactReads == 0)
        // Within the lag the exact clock is read, and it decides either way.
        for coarse in (end - lag)..<end {
            let inTime = Self.ask(.allowedAgain(until: end), coarse: coarse, exact: end - 1)
            #expect(inTime.allowed && inTime.exactReads == 1, "coarse \(coarse - end) s from the end")
            let late = Self.ask(.allowedAgain(until: end), coarse: coarse, exact: end)
            #expect(!late.allowed && late.exactReads == 1, "coarse \(coarse - end) s from the end")
        }
        // At or past the end: refused (the coarse clock never runs ahead, so the exact one agrees).
        for coarse in [end, end + 1, end + 1000] {
            let past = Self.ask(.allowedAgain(until: end), coarse: coarse, exact: coarse)
            #expect(!past.allowed && past.coarseReads == 1, "coarse \(coarse - end) s past the end")
        }
    }

    @Test func extremeTimesNeitherTrapNorLetAMessageThroughLate() {
        #expect(Self.ask(.allowedAgain(until: .max - 1), coarse: .min, exact: .min).allowed)
        #expect(!Self.ask(.allowedAgain(until: .min), coarse: .min, exact: .min).allowed)
        #expect(!Self.ask(.allowedAgain(until: .min + 1), coarse: .min, exact: .min + 1).allowed)
        #expect(Self.ask(.allowedAgain(until: .min + 1), coarse: .min, exact: .min).allowed)
    }
}
