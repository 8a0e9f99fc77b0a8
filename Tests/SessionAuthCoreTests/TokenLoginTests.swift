import SessionAuthCore
import Testing

/// Stands in for the OpenSSL verifier: the policy's job starts after the signature, so these tests
/// hand it verified claims (or a verifier refusal) and check what it does with them. Signatures
/// themselves are tested in SessionAuthCryptoTests and, end to end, on the real broker.
struct FixedVerifier: TokenVerifying {
    let result: Result<TokenClaims, TokenError>
    func verify(_ token: [UInt8], now: Int64) -> Result<TokenClaims, TokenError> { result }
}

@Suite struct TokenLoginTests {
    static let token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJkZXYxIn0.c2ln"
    static let now = Fixtures.now

    static func claims(
        sub: String? = "dev1", sid: String? = "s1", role: String? = nil, exp: Int64 = Fixtures.now + 600,
        iat: Int64? = Fixtures.now - 10, jti: String? = "jti-1", publ: [String]? = nil, subs: [String]? = nil
    ) -> TokenClaims {
        TokenClaims(
            subject: sub, sessionID: sid, role: role, expiresAt: exp, issuedAt: iat, tokenID: jti, publish: publ,
            subscribe: subs)
    }

    static func snapshot(
        _ sessions: [SessionRecord] = [Fixtures.session("s1")], tokens: TokenSnapshot = TokenSnapshot()
    ) -> SessionSnapshot {
        let records = sessions.map {
            SessionRecord(
                id: $0.id, pinHash: $0.pinHash, type: "telemetry", label: nil, createdAt: $0.createdAt,
                expiresAt: $0.expiresAt, closedAt: $0.closedAt, revision: $0.revision)
        }
        return SessionSnapshot(records, profiles: Fixtures.profiles, tokens: tokens)
    }

    static func login(
        username: String? = "dev1", password: String? = token, clientID: String = "dev1-a",
        claims: TokenClaims = claims(), sessions: SessionSnapshot = snapshot(), policy: LoginPolicy = LoginPolicy()
    ) -> Result<AuthenticatedClient, LoginRefusal> {
        policy.authenticate(
            LoginAttempt(username: username.map(bytes), password: password.map(bytes), clientID: bytes(clientID)),
            sessions: sessions, now: now, digester: Fixtures.digester,
            tokens: FixedVerifier(result: .success(claims)))
    }

    @Test func tokenAsPasswordLogsInAsItsSubjectWithItsRole() throws {
        let client = try Self.login(claims: Self.claims(role: "service")).get()
        #expect(client.sessionID == "s1")
        #expect(client.username == "dev1")
        #expect(client.role == "service")
        #expect(client.topicRoot == "s1/")
        #expect(client.rules.profile == "telemetry")
        #expect(client.token?.tokenID == "jti-1")
        #expect(client.token?.disconnectAt == Self.now + 600)
        #expect(client.expiresAt == Self.now + 600)
        #expect(!client.isOperator)
    }

    @Test func aTokenWithoutRoleGetsTheDeviceRole() throws {
        #expect(try Self.login().get().role == "device")
    }

    @Test(arguments: ["dev2", "Dev1", "dev1 ", "dev1\u{0}"])
    func usernameMustBeTheSubjectByteForByte(username: String) {
        #expect(Self.login(username: username) == .failure(.usernameNotTokenSubject))
    }

    /// mosquitto-go-auth's convention: the token as the username, the password empty or ignored.
    @Test(arguments: [nil, "", "anything"])
    func tokenAsUsernameNamesTheClientAfterItsSubject(password: String?) throws {
        let client = try Self.login(username: Self.token, password: password).get()
        #expect(client.username == "dev1")
    }

    @Test func aVerifierRefusalIsTheLoginRefusal() {
        let result = LoginPolicy().authenticate(
            LoginAttempt(username: bytes("dev1"), password: bytes(Self.token), clientID: bytes("c")),
            sessions: Self.snapshot(), now: Self.now, digester: Fixtures.digester,
            tokens: FixedVerifier(result: .failure(.badSignature)))
        #expect(result == .failure(.badToken(.badSignature)))
        #expect(result.failureDescription == "token signature does not verify")
    }

    @Test func claimsThePluginNeedsAreRequired() {
        #expect(Self.login(claims: Self.claims(jti: nil)) == .failure(.tokenWithoutID))
        #expect(
            Self.login(username: Self.token, password: nil, claims: Self.claims(sub: nil))
                == .failure(.tokenWithoutSubject))
    }

    /// `sub` becomes %u in topic rules: a `/` or wildcard in it would reach another device's subtree.
    @Test(arguments: ["a/b", "+", "#", "", "dév"])
    func aSubjectOutsideTheAlphabetIsRefused(subject: String) {
        guard
            case .failure(.badTokenSubject) = Self.login(
                username: Self.token, password: nil, claims: Self.claims(sub: subject))
        else {
            Issue.record("sub \(subject) was not refused as a bad subject")
            return
        }
    }

    @Test(arguments: ["a/b", "+", "#"])
    func aRoleOrSessionOutsideTheAlphabetIsRefused(name: String) {
        guard case .failure(.badTokenRole) = Self.login(claims: Self.claims(role: name)) else {
            Issue.record("role \(name) was not refused")
            return
        }
        guard case .failure(.badSessionID) = Self.login(claims: Self.claims(sid: name)) else {
            Issue.record("sid \(name) was not refused")
            return
        }
    }

    @Test func theSessionMustExistAndBeOpen() {
        #expect(Self.login(claims: Self.claims(sid: "s9")) == .failure(.unknownSession("s9")))
        let closed = Self.snapshot([Fixtures.session("s1", closedAt: Self.now - 1)])
        #expect(Self.login(sessions: closed) == .failure(.sessionNotOpen("s1", .closed)))
        let expired = Self.snapshot([Fixtures.session("s1", expiresAt: Self.now)])
        #expect(Self.login(sessions: expired) == .failure(.sessionNotOpen("s1", .expired)))
    }

    @Test func aRoleWithoutRulesInTheProfileIsRefused() {
        #expect(
            Self.login(claims: Self.claims(role: "intruder"))
                == .failure(.roleHasNoRules(profile: "telemetry", role: "intruder")))
    }

    @Test func aRevokedTokenIsRefused() {
        let tokens = TokenSnapshot(revocations: [TokenRevocation(tokenID: "jti-1", revokedAt: Self.now - 5)])
        #expect(Self.login(sessions: Self.snapshot(tokens: tokens)) == .failure(.tokenRevoked("jti-1")))
        // Compared as bytes: another spelling of the id is another token.
        #expect(Self.login(claims: Self.claims(jti: "JTI-1"), sessions: Self.snapshot(tokens: tokens)).isSuccess)
    }

    @Test func aDeviceRevocationStopsTokensIssuedUpToIt() {
        let revoked = TokenSnapshot(
            deviceRevocations: [DeviceRevocation(sessionID: "s1", device: "dev1", revokedAt: Self.now - 10)])
        let sessions = Self.snapshot(tokens: revoked)
        let refusal = LoginRefusal.deviceRevoked(session: "s1", device: "dev1")
        #expect(Self.login(claims: Self.claims(iat: Self.now - 10), sessions: sessions) == .failure(refusal))
        #expect(Self.login(claims: Self.claims(iat: nil), sessions: sessions) == .failure(refusal))
        #expect(Self.login(claims: Self.claims(iat: Self.now - 9), sessions: sessions).isSuccess)
        // Another device of the session, and the same name in another session, are untouched.
        #expect(Self.login(username: "dev2", claims: Self.claims(sub: "dev2"), sessions: sessions).isSuccess)
    }

    @Test func clientIDBindingAppliesToTheSubject() {
        let policy = LoginPolicy(clientIDPolicy: .username)
        #expect(Self.login(clientID: "dev1", policy: policy).isSuccess)
        #expect(Self.login(clientID: "dev2", policy: policy) == .failure(.clientIDNotBound(.username)))
        #expect(Self.login(username: Self.token, password: nil, clientID: "dev1", policy: policy).isSuccess)
    }

    @Test func withoutDisconnectOnExpiryTheTokenDoesNotEndTheConnection() throws {
        let client = try Self.login(policy: LoginPolicy(disconnectOnExpiry: false)).get()
        #expect(client.token?.disconnectAt == nil)
        #expect(client.expiresAt == nil)
        let lenient = try Self.login(policy: LoginPolicy(tokenLeeway: 30)).get()
        #expect(lenient.token?.disconnectAt == Self.now + 630)
    }

    @Test func theEarlierOfSessionAndTokenExpiryEndsTheConnection() throws {
        let sessions = Self.snapshot([Fixtures.session("s1", expiresAt: Self.now + 60)])
        #expect(try Self.login(sessions: sessions).get().expiresAt == Self.now + 60)
    }

    @Test func anExpiryAtTheEndOfTimeDoesNotTrap() throws {
        let client = try Self.login(claims: Self.claims(exp: .max), policy: LoginPolicy(tokenLeeway: 600)).get()
        #expect(client.token?.disconnectAt == .max)
    }

    // MARK: Operator tokens

    static let operatorRecord = IssuedToken(
        tokenID: "op-1", sessionID: nil, device: "conductor", role: "service", issuedAt: Fixtures.now - 60,
        expiresAt: Fixtures.now + 3_600,
        rules: [
            ProfileRule(
                profile: IssuedToken.rulesName(tokenID: "op-1"), role: "service", access: .read, pattern: "+/dt/#")
        ])

    static func operatorClaims(sub: String = "conductor", role: String = "service", jti: String = "op-1")
        -> TokenClaims
    {
        claims(sub: sub, sid: nil, role: role, jti: jti)
    }

    @Test func anOperatorTokenMustBeRecordedInTheStore() {
        #expect(
            Self.login(username: "conductor", claims: Self.operatorClaims()) == .failure(.unknownOperatorToken("op-1")))
    }

    @Test func anOperatorTokenGetsItsRecordedRulesAndNoRoot() throws {
        let sessions = Self.snapshot(tokens: TokenSnapshot(operatorTokens: [Self.operatorRecord]))
        let client = try Self.login(username: "conductor", claims: Self.operatorClaims(), sessions: sessions).get()
        #expect(client.isOperator)
        #expect(client.topicRoot == "")
        #expect(client.rules.grants.map(\.filter.description) == ["+/dt/#"])
    }

    @Test func anOperatorTokenMustMatchItsRecordedSubjectAndRole() {
        let sessions = Self.snapshot(tokens: TokenSnapshot(operatorTokens: [Self.operatorRecord]))
        #expect(
            Self.login(username: "other", claims: Self.operatorClaims(sub: "other"), sessions: sessions)
                == .failure(.operatorTokenMismatch("op-1")))
        #expect(
            Self.login(username: "conductor", claims: Self.operatorClaims(role: "admin"), sessions: sessions)
                == .failure(.operatorTokenMismatch("op-1")))
    }

    @Test func refusalsNeverEchoTheToken() {
        let refusals: [LoginRefusal] = [
            .tokenLoginNotConfigured, .tokenWithoutID, .tokenWithoutSubject, .usernameNotTokenSubject,
            .tokenRevoked(Self.token), .unknownOperatorToken(Self.token), .operatorTokenMismatch(Self.token),
        ]
        for refusal in refusals { #expect(!refusal.description.contains(Self.token)) }
    }
}

extension Result where Success == AuthenticatedClient, Failure == LoginRefusal {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }

    var failureDescription: String? {
        if case .failure(let refusal) = self { return refusal.description }
        return nil
    }
}
