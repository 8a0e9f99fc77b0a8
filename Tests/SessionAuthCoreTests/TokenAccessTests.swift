import SessionAuthCore
import Testing

/// `publ` / `subs` claims narrow what the rules allow and never widen it; operator tokens have
/// absolute rules and still never reach `$` topics; revocation and token expiry end connections.
@Suite struct TokenAccessTests {
    static let now = Fixtures.now

    static func client(
        publ: [String]? = nil, subs: [String]? = nil, disconnectAt: Int64? = nil, role: String = "device"
    ) -> AuthenticatedClient {
        AuthenticatedClient(
            sessionID: "s1", username: "dev1", clientID: "c1", role: role, topicRoot: "s1/",
            profile: Fixtures.telemetryProfile, profileName: "telemetry",
            token: TokenGrant(
                tokenID: "jti-1", issuedAt: now - 10, expiresAt: now + 600, disconnectAt: disconnectAt,
                publishFilters: TokenGrant.filters(publ), subscribeFilters: TokenGrant.filters(subs)))
    }

    static func decide(_ kind: AccessKind, _ topic: String, _ client: AuthenticatedClient) -> AccessDecision {
        AccessPolicy.decide(kind, topic: topic, client: client, now: now)
    }

    @Test func withoutClaimsTheRulesDecide() {
        let client = Self.client()
        #expect(Self.decide(.write, "s1/dt/x/dev1/t", client) == .allow)
        #expect(Self.decide(.subscribe, "s1/cmd/+/dev1/#", client) == .allow)
    }

    @Test func publNarrowsWrites() {
        let client = Self.client(publ: ["s1/dt/x/dev1/temp"])
        #expect(Self.decide(.write, "s1/dt/x/dev1/temp", client) == .allow)
        #expect(Self.decide(.write, "s1/dt/x/dev1/other", client) == .deny(.notInTokenClaim("publ")))
        // Reads are not publ's business.
        #expect(Self.decide(.read, "s1/cmd/x/dev1/go", client) == .allow)
    }

    @Test func publNeverWidens() {
        let client = Self.client(publ: ["#", "s2/#", "s1/dt/x/dev2/#"])
        #expect(Self.decide(.write, "s1/dt/x/dev2/t", client) != .allow)
        #expect(Self.decide(.write, "s2/dt/x/dev1/t", client) != .allow)
        #expect(Self.decide(.write, "$SYS/x", client) != .allow)
    }

    @Test func subsNarrowsSubscriptionsByCoverAndDeliveriesByMatch() {
        let client = Self.client(subs: ["s1/cmd/a/dev1/#"])
        #expect(Self.decide(.subscribe, "s1/cmd/a/dev1/#", client) == .allow)
        #expect(Self.decide(.subscribe, "s1/cmd/a/dev1/x", client) == .allow)
        #expect(Self.decide(.subscribe, "s1/cmd/+/dev1/#", client) == .deny(.notInTokenClaim("subs")))
        #expect(Self.decide(.read, "s1/cmd/a/dev1/x", client) == .allow)
        #expect(Self.decide(.read, "s1/cmd/b/dev1/x", client) == .deny(.notInTokenClaim("subs")))
    }

    @Test func anEmptyOrUnusableClaimAllowsNothing() {
        let empty = Self.client(publ: [], subs: ["a/#/b"])
        #expect(Self.decide(.write, "s1/dt/x/dev1/t", empty) == .deny(.notInTokenClaim("publ")))
        #expect(Self.decide(.subscribe, "s1/cmd/a/dev1/#", empty) == .deny(.notInTokenClaim("subs")))
    }

    @Test func anOperatorTokenHasAbsoluteRulesButNoDollarTopics() {
        let rule = ProfileRule(profile: "operator token op", role: "service", access: .readwrite, pattern: "#")
        let client = AuthenticatedClient(
            sessionID: "", username: "conductor", clientID: "cond", role: "service", topicRoot: "",
            profile: Profile(name: "operator token op", description: "", rules: [rule]),
            profileName: "operator token op",
            token: TokenGrant(
                tokenID: "op", issuedAt: Self.now, expiresAt: Self.now + 60, disconnectAt: nil, isOperator: true))
        #expect(Self.decide(.write, "s1/dt/x/dev1/t", client) == .allow)
        #expect(Self.decide(.subscribe, "#", client) == .allow)
        #expect(Self.decide(.read, "s2/cmd/a", client) == .allow)
        #expect(Self.decide(.write, "$SYS/broker/x", client) == .deny(.systemTopic))
        #expect(Self.decide(.subscribe, "$SYS/#", client) == .deny(.systemTopic))
    }

    // MARK: Standing

    static func sessions(tokens: TokenSnapshot = TokenSnapshot()) -> SessionSnapshot {
        SessionSnapshot([Fixtures.session("s1")], profiles: Fixtures.profiles, tokens: tokens)
    }

    @Test func aConnectedTokenClientGoesWhenRevokedOrExpired() {
        let client = Self.client(disconnectAt: Self.now + 600)
        #expect(ClientStanding.disconnectReason(client, sessions: Self.sessions(), now: Self.now) == nil)
        let revoked = Self.sessions(
            tokens: TokenSnapshot(revocations: [TokenRevocation(tokenID: "jti-1", revokedAt: 1)]))
        #expect(ClientStanding.disconnectReason(client, sessions: revoked, now: Self.now) == .tokenRevoked("jti-1"))
        let device = Self.sessions(
            tokens: TokenSnapshot(deviceRevocations: [
                DeviceRevocation(sessionID: "s1", device: "dev1", revokedAt: Self.now)
            ]))
        #expect(ClientStanding.disconnectReason(client, sessions: device, now: Self.now) == .deviceRevoked)
        #expect(ClientStanding.disconnectReason(client, sessions: Self.sessions(), now: Self.now + 599) == nil)
        #expect(
            ClientStanding.disconnectReason(client, sessions: Self.sessions(), now: Self.now + 600) == .tokenExpired)
        // The decision itself refuses from that second on, before the tick disconnects it.
        #expect(
            AccessPolicy.decide(.write, topic: "s1/dt/x/dev1/t", client: client, now: Self.now + 600)
                == .deny(.sessionExpired))
    }

    @Test func withoutDisconnectOnExpiryAnExpiredTokenStays() {
        let client = Self.client(disconnectAt: nil)
        #expect(ClientStanding.disconnectReason(client, sessions: Self.sessions(), now: Self.now + 10_000) == nil)
    }

    @Test func anOperatorClientGoesWhenItsRecordVanishesOrIsRevoked() {
        let record = IssuedToken(
            tokenID: "op", sessionID: nil, device: "conductor", role: "service", issuedAt: 0, expiresAt: Self.now + 60)
        let client = AuthenticatedClient(
            sessionID: "", username: "conductor", clientID: "cond", role: "service", topicRoot: "",
            rules: ClientRules(denies: [], grants: [], profile: "operator token op", role: "service"),
            token: TokenGrant(tokenID: "op", issuedAt: 0, expiresAt: Self.now + 60, disconnectAt: nil, isOperator: true)
        )
        #expect(
            ClientStanding.disconnectReason(
                client, sessions: Self.sessions(tokens: TokenSnapshot(operatorTokens: [record])), now: Self.now)
                == nil)
        #expect(
            ClientStanding.disconnectReason(client, sessions: Self.sessions(), now: Self.now)
                == .operatorTokenWithdrawn("op"))
        let revoked = TokenSnapshot(
            revocations: [TokenRevocation(tokenID: "op", revokedAt: 1)], operatorTokens: [record])
        #expect(
            ClientStanding.disconnectReason(client, sessions: Self.sessions(tokens: revoked), now: Self.now)
                == .tokenRevoked("op"))
    }
}
