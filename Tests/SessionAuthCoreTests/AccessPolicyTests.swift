import SessionAuthCore
import Testing

@Suite struct AccessPolicyTests {
    static let now = Fixtures.now
    static let member = Fixtures.client(session: "s1")
    static let deciding: [AccessKind] = [.read, .write, .subscribe]

    static func decide(_ kind: AccessKind, _ topic: String, client: AuthenticatedClient = member) -> AccessDecision {
        AccessPolicy.decide(kind, topic: topic, client: client, now: now)
    }

    @Test(arguments: deciding, ["s1/x", "s1/dt/dev1/temp", "s1/", "s1/a/b/c/d"])
    func allowedInsideTheRoot(kind: AccessKind, topic: String) {
        #expect(Self.decide(kind, topic) == .allow)
    }

    @Test(arguments: ["s1/#", "s1/+", "s1/+/dev1/#", "s1/dt/+/x"])
    func subscribeWithWildcardsInsideTheRoot(filter: String) {
        #expect(Self.decide(.subscribe, filter) == .allow)
    }

    @Test(
        arguments: deciding,
        [
            "s2/x",  // another session's root
            "s2/#",
            "s10/x",  // shares a prefix with s1 but is another session
            "s1",  // the root without its trailing slash
            "s1x/y",
            "S1/x",  // names compare as bytes: case matters
            "",
            "#",
            "+/x",
            "+/#",
            "+",
            "/s1/x",
            "x/s1/y",
            " s1/x",
        ])
    func deniedOutsideTheRoot(kind: AccessKind, topic: String) {
        #expect(Self.decide(kind, topic) == .deny(.outsideTopicRoot(root: "s1/")))
    }

    @Test(arguments: deciding, ["$SYS/broker/uptime", "$SYS/#", "$s1/x", "$"])
    func dollarTopicsAreNeverReachable(kind: AccessKind, topic: String) {
        #expect(Self.decide(kind, topic) == .deny(.systemTopic))
    }

    @Test(arguments: deciding)
    func aTopicEqualOnlyAfterUnicodeNormalisationIsDenied(kind: AccessKind) throws {
        // Root "café/s1/" with a precomposed é (U+00E9); the topic spells it e + U+0301.
        let template = try TopicRootTemplate("caf\u{00E9}/%s/")
        let client = Fixtures.client(session: "s1", topicRoot: template.root(forSession: "s1"))
        let topic = "cafe\u{0301}/s1/x"
        #expect(topic == client.topicRoot + "x")  // equal as Swift Strings (canonical equivalence)
        #expect(Array(topic.utf8) != Array((client.topicRoot + "x").utf8))  // but not as bytes
        #expect(Self.decide(kind, topic, client: client) == .deny(.outsideTopicRoot(root: "caf\u{00E9}/s1/")))
        #expect(Self.decide(kind, "caf\u{00E9}/s1/x", client: client) == .allow)
    }

    // A closed session's connections are evicted from the ClientRegistry (see ClientRegistryTests and
    // the plugin tests); expiry is checked on every decision, exact to the second.
    @Test(arguments: deciding)
    func sessionExpiringNowDenies(kind: AccessKind) {
        let client = Fixtures.client(session: "expiring", expiresAt: Self.now)
        #expect(Self.decide(kind, "expiring/x", client: client) == .deny(.sessionExpired))
    }

    @Test(arguments: deciding)
    func sessionExpiringNextSecondStillAllows(kind: AccessKind) {
        let client = Fixtures.client(session: "later", expiresAt: Self.now + 1)
        #expect(Self.decide(kind, "later/x", client: client) == .allow)
        #expect(
            AccessPolicy.decide(kind, topic: "later/x", client: client, now: Self.now + 1) == .deny(.sessionExpired))
    }

    @Test(arguments: ["s1/x", "s2/x", "#", "$SYS/#", ""])
    func unsubscribeIsAlwaysAllowed(topic: String) {
        #expect(Self.decide(.unsubscribe, topic) == .allow)
        #expect(Self.decide(.unsubscribe, topic, client: Fixtures.client(session: "gone", expiresAt: 0)) == .allow)
        #expect(Self.decide(.unsubscribe, topic, client: Fixtures.client(session: "gone")) == .allow)
    }

    @Test(arguments: deciding)
    func leadingSlashRoot(kind: AccessKind) throws {
        let root = try TopicRootTemplate("/%s/").root(forSession: "s1")
        #expect(root == "/s1/")
        let client = Fixtures.client(session: "s1", topicRoot: root)
        #expect(Self.decide(kind, "/s1/x", client: client) == .allow)
        for topic in ["s1/x", "/s2/x", "/s10/x", "/s1", "/", "/#", "/+/x", "#"] {
            #expect(
                Self.decide(kind, topic, client: client) == .deny(.outsideTopicRoot(root: "/s1/")), "topic \(topic)")
        }
    }

    @Test func sharedSubscriptionIsJudgedByItsFilter() {
        // SPEC §3: "`$share/group/filter` is judged by its filter".
        #expect(Self.decide(.subscribe, "$share/g/s1/x") == .allow)
        #expect(Self.decide(.subscribe, "$share/workers/s1/#") == .allow)
        #expect(Self.decide(.subscribe, "$share/g/s2/x") == .deny(.outsideTopicRoot(root: "s1/")))
        #expect(Self.decide(.subscribe, "$share/g/#") == .deny(.outsideTopicRoot(root: "s1/")))
        #expect(Self.decide(.subscribe, "$share/g/$SYS/#") == .deny(.systemTopic))
    }

    @Test(arguments: [
        "$share/", "$share//s1/x", "$share/g", "$share/g/", "$share/+/s1/x", "$share/#/s1/x", "$share/g+/s1/x",
    ])
    func malformedSharedSubscriptionIsDenied(filter: String) {
        #expect(Self.decide(.subscribe, filter) == .deny(.malformedSharedSubscription))
    }

    @Test func sharePrefixIsOnlySpecialOnSubscribe() {
        // A published or delivered topic is never a shared-subscription form.
        #expect(Self.decide(.write, "$share/g/s1/x") == .deny(.systemTopic))
        #expect(Self.decide(.read, "$share/g/s1/x") == .deny(.systemTopic))
    }

    @Test func denialDescriptions() {
        #expect(AccessDenial.sessionExpired.description == "its session is expired")
        #expect(AccessDenial.outsideTopicRoot(root: "s1/").description == "outside the session's topic root 's1/'")
    }
}
