import SessionAuthCore
import Testing

@Suite struct RulePatternTests {
    @Test(arguments: ["#", "dt/+/%u/#", "cmd/%c/#", "%s/%r/x", "a", "a//b", "+", "+/+/%u"])
    func acceptsValidPatterns(pattern: String) {
        #expect(RulePattern.problem(pattern) == nil)
    }

    @Test(arguments: [
        ("", "is empty"), ("$SYS/#", "starts with '$'"), ("a/#/b", "not a valid topic filter"),
        ("a/b+", "not a valid topic filter"), ("a/%x", "unknown placeholder"), ("a/%", "unknown placeholder"),
        ("a%u#", "not a valid topic filter"),
    ])
    func refusesInvalidPatterns(pattern: String, problem: String) {
        #expect(RulePattern.problem(pattern)?.contains(problem) == true, "\(pattern)")
    }

    @Test func expandsEveryPlaceholder() {
        #expect(
            RulePattern.expand("%u/%c/%s/%r/%u-x", username: "dev", clientID: "cid", sessionID: "s1", role: "device")
                == "dev/cid/s1/device/dev-x")
    }
}

/// The `telemetry` profile of SPEC §3, decided by AccessPolicy for each role.
@Suite struct RuleDecisionTests {
    static func member(_ role: String, username: String = "sensor1") -> AuthenticatedClient {
        Fixtures.client(session: "s1", username: username, role: role, profile: Fixtures.telemetryProfile)
    }

    static func decide(_ kind: AccessKind, _ topic: String, role: String = "device") -> AccessOutcome {
        AccessPolicy.evaluate(kind, topic: topic, client: member(role), now: Fixtures.now)
    }

    @Test(arguments: [
        (AccessKind.write, "s1/dt/temp/sensor1/c", "write dt/+/%u/#"),
        (.write, "s1/dt/temp/sensor1", "write dt/+/%u/#"),
        (.write, "s1/cmd/fw/sensor1/ack", "readwrite cmd/+/%u/#"),
        (.read, "s1/cmd/fw/sensor1/go", "readwrite cmd/+/%u/#"),
        (.subscribe, "s1/cmd/+/sensor1/#", "readwrite cmd/+/%u/#"),
        (.subscribe, "s1/cmd/fw/sensor1/go", "readwrite cmd/+/%u/#"),
        (.subscribe, "$share/g/s1/cmd/+/sensor1/#", "readwrite cmd/+/%u/#"),
    ])
    func deviceIsAllowed(kind: AccessKind, topic: String, rule: String) {
        let outcome = Self.decide(kind, topic)
        #expect(outcome.decision == .allow, "\(kind) \(topic)")
        #expect(outcome.rule.map { "\($0.access.rawValue) \($0.pattern)" } == rule)
    }

    @Test(arguments: [
        (AccessKind.write, "s1/dt/temp/sensor2/c"), (.write, "s1/dt/sensor1"), (.read, "s1/dt/temp/sensor1/c"),
        (.write, "s1/cmd/fw/sensor2/x"), (.read, "s1/cmd/fw/sensor2/x"), (.write, "s1/x"),
        (.subscribe, "s1/dt/#"), (.subscribe, "s1/dt/+/sensor1/#"), (.subscribe, "s1/cmd/#"),
        (.subscribe, "s1/cmd/+/+/#"), (.subscribe, "s1/cmd/+/sensor2/#"), (.subscribe, "s1/#"),
        (.subscribe, "s1/cmd/+/sensor1/#/x"),
    ])
    func deviceIsDenied(kind: AccessKind, topic: String) {
        guard case .deny = Self.decide(kind, topic).decision else {
            Issue.record("\(kind) \(topic) was allowed")
            return
        }
    }

    @Test func serviceReadsAllTelemetryAndDrivesAllCommands() {
        #expect(Self.decide(.subscribe, "s1/dt/#", role: "service").decision == .allow)
        #expect(Self.decide(.read, "s1/dt/temp/sensor9/c", role: "service").decision == .allow)
        #expect(Self.decide(.write, "s1/cmd/fw/sensor9/go", role: "service").decision == .allow)
        #expect(Self.decide(.write, "s1/dt/temp/sensor9/c", role: "service").decision != .allow)
        #expect(Self.decide(.subscribe, "s1/#", role: "service").decision != .allow)
        #expect(Self.decide(.write, "s2/cmd/x", role: "service").decision == .deny(.outsideTopicRoot(root: "s1/")))
    }

    @Test func adminReachesEverythingInsideTheRootOnly() {
        #expect(Self.decide(.subscribe, "s1/#", role: "admin").decision == .allow)
        #expect(Self.decide(.write, "s1/anything/at/all", role: "admin").decision == .allow)
        #expect(Self.decide(.subscribe, "#", role: "admin").decision == .deny(.outsideTopicRoot(root: "s1/")))
        #expect(Self.decide(.read, "$SYS/broker/uptime", role: "admin").decision == .deny(.systemTopic))
    }

    @Test func roleWithoutRulesIsDeniedWithTheReason() {
        #expect(
            Self.decide(.write, "s1/dt/a/sensor1/c", role: "guest").decision
                == .deny(.noRuleAllows(.write, profile: "telemetry", role: "guest")))
    }

    @Test func denyWinsOverAGrant() {
        let profile = Profile(
            name: "p", description: "",
            rules: Fixtures.openProfile.rules.map {
                ProfileRule(profile: "p", role: $0.role, access: $0.access, pattern: $0.pattern)
            } + [ProfileRule(profile: "p", role: "device", access: .deny, pattern: "secret/#")])
        let client = Fixtures.client(session: "s1", profile: profile)
        func decide(_ kind: AccessKind, _ topic: String) -> AccessDecision {
            AccessPolicy.decide(kind, topic: topic, client: client, now: Fixtures.now)
        }
        #expect(decide(.write, "s1/public/x") == .allow)
        #expect(decide(.write, "s1/secret/x") == .deny(.deniedByRule(profile.rules[1])))
        #expect(decide(.read, "s1/secret") == .deny(.deniedByRule(profile.rules[1])))
        #expect(decide(.subscribe, "s1/public/#") == .allow)
        // Could receive a denied topic: refused as a whole.
        #expect(decide(.subscribe, "s1/#") == .deny(.deniedByRule(profile.rules[1])))
        #expect(decide(.subscribe, "s1/+/x") == .deny(.deniedByRule(profile.rules[1])))
    }

    @Test func brokenDenyPatternDeniesEverything() {
        let broken = ProfileRule(profile: "p", role: "device", access: .deny, pattern: "a/#/b")
        let profile = Profile(
            name: "p", description: "",
            rules: [ProfileRule(profile: "p", role: "device", access: .readwrite, pattern: "#"), broken])
        let client = Fixtures.client(session: "s1", profile: profile)
        #expect(
            AccessPolicy.decide(.write, topic: "s1/x", client: client, now: Fixtures.now)
                == .deny(.deniedByRule(broken)))
    }

    @Test func brokenGrantPatternGrantsNothing() {
        let profile = Profile(
            name: "p", description: "",
            rules: [ProfileRule(profile: "p", role: "device", access: .readwrite, pattern: "a/#/b")])
        let client = Fixtures.client(session: "s1", profile: profile)
        #expect(client.rules.grants.isEmpty)
        #expect(
            AccessPolicy.decide(.write, topic: "s1/a/x/b", client: client, now: Fixtures.now)
                == .deny(.noRuleAllows(.write, profile: "p", role: "device")))
    }

    /// A username cannot smuggle wildcards into `%u`: identities are checked before expansion, and a
    /// name that slipped through would make the rule fail to compile rather than widen.
    @Test func placeholderValuesStayInsideTheirLevel() {
        let client = Self.member("device", username: "sensor1")
        #expect(client.rules.grants.map(\.filter.description) == ["s1/dt/+/sensor1/#", "s1/cmd/+/sensor1/#"])
    }
}
