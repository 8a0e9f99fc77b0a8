import SessionAuthCore
import Testing

@Suite struct LoginPolicyTests {
    static let now = Fixtures.now
    static let sessions = Fixtures.snapshot([
        Fixtures.session("s1"),
        Fixtures.session("a:b"),
        Fixtures.session("closed", closedAt: now - 60),
        Fixtures.session("expiring", expiresAt: now),
        Fixtures.session("later", expiresAt: now + 1),
        Fixtures.session("garbled", pinHash: "plain:123456"),
    ])

    static func attempt(_ username: String? = "dev1", password: String? = "s1:123456", clientID: String = "dev1-a")
        -> LoginAttempt
    {
        LoginAttempt(username: username.map(bytes), password: password.map(bytes), clientID: bytes(clientID))
    }

    static func login(_ attempt: LoginAttempt, policy: LoginPolicy = LoginPolicy())
        -> Result<AuthenticatedClient, LoginRefusal>
    {
        policy.authenticate(attempt, sessions: sessions, now: now, digester: Fixtures.digester)
    }

    @Test func rightPinLetsTheDeviceIn() {
        #expect(
            Self.login(Self.attempt())
                == .success(
                    Fixtures.client(session: "s1", username: "dev1", clientID: "dev1-a")))
    }

    @Test func topicRootFollowsTheTemplate() throws {
        let policy = LoginPolicy(topicRoot: try TopicRootTemplate("/sessions/%s/"))
        let client = try Self.login(Self.attempt(), policy: policy).get()
        #expect(client.topicRoot == "/sessions/s1/")
    }

    @Test func sessionIDMayContainAColon() throws {
        let client = try Self.login(Self.attempt(password: "a:b:123456")).get()
        #expect(client.sessionID == "a:b")
        #expect(client.topicRoot == "a:b/")
    }

    @Test func sessionExpiringNextSecondStillAdmits() throws {
        let client = try Self.login(Self.attempt(password: "later:123456")).get()
        #expect(client.sessionID == "later")
    }

    @Test func missingUsername() {
        #expect(Self.login(Self.attempt(nil)) == .failure(.missingUsername))
    }

    @Test(arguments: [nil, ""])
    func missingPassword(password: String?) {
        #expect(Self.login(Self.attempt(password: password)) == .failure(.missingPassword))
    }

    /// A token-shaped password is routed to token login, which is off without jwt_keys: a foreign
    /// credential, so `unknown_users defer` can hand it to another plugin.
    @Test func tokenWithoutKeysIsNotConfigured() {
        let result = Self.login(Self.attempt(password: "eyJhbGciOiJFUzI1NiJ9.e30.sig"))
        #expect(result == .failure(.tokenLoginNotConfigured))
        #expect(LoginRefusal.tokenLoginNotConfigured.isForeign)
    }

    @Test(arguments: ["123456", "s1-123456", "a.b", "a.b.c.d", "ey J.e30.sig", ":123456", "s1:"])
    func unrecognisedPassword(password: String) {
        #expect(Self.login(Self.attempt(password: password)) == .failure(.unrecognisedPassword))
    }

    @Test func pinLoginDisabled() {
        let policy = LoginPolicy(pinLoginEnabled: false)
        #expect(Self.login(Self.attempt(), policy: policy) == .failure(.pinLoginDisabled))
    }

    @Test(arguments: [
        ("dev/1", IdentityViolation.forbiddenCharacter(position: 3)),
        ("+", .forbiddenCharacter(position: 0)),
        ("#", .forbiddenCharacter(position: 0)),
        ("dev 1", .forbiddenCharacter(position: 3)),
        ("d\u{0}", .forbiddenCharacter(position: 1)),
        ("dév", .forbiddenCharacter(position: 1)),
        ("\u{0430}dmin", .forbiddenCharacter(position: 0)),
        ("", .empty),
        (String(repeating: "u", count: 65), .tooLong(length: 65, maxLength: 64)),
    ])
    func badUsername(username: String, violation: IdentityViolation) {
        #expect(Self.login(Self.attempt(username)) == .failure(.badUsername(violation)))
    }

    @Test(arguments: [
        ("dev1/#", IdentityViolation.forbiddenCharacter(position: 4)),
        ("+", .forbiddenCharacter(position: 0)),
        ("dev 1", .forbiddenCharacter(position: 3)),
        ("", .empty),
        (String(repeating: "c", count: 65), .tooLong(length: 65, maxLength: 64)),
    ])
    func badClientID(clientID: String, violation: IdentityViolation) {
        #expect(Self.login(Self.attempt(clientID: clientID)) == .failure(.badClientID(violation)))
    }

    @Test(arguments: [
        ("s/1:123456", IdentityViolation.forbiddenCharacter(position: 1)),
        ("+:123456", .forbiddenCharacter(position: 0)),
        ("#:123456", .forbiddenCharacter(position: 0)),
        ("s 1:123456", .forbiddenCharacter(position: 1)),
        ("s\u{0430}:123456", .forbiddenCharacter(position: 1)),
        (String(repeating: "s", count: 65) + ":123456", .tooLong(length: 65, maxLength: 64)),
    ])
    func badSessionID(password: String, violation: IdentityViolation) {
        #expect(Self.login(Self.attempt(password: password)) == .failure(.badSessionID(violation)))
    }

    @Test func configuredIdentityLength() throws {
        let policy = LoginPolicy(identityRules: IdentityRules(maxLength: 4))
        let client = try Self.login(Self.attempt("dev1", clientID: "dev1"), policy: policy).get()
        #expect(client.username == "dev1")
        #expect(
            Self.login(Self.attempt("dev12", clientID: "dev1"), policy: policy)
                == .failure(.badUsername(.tooLong(length: 5, maxLength: 4))))
        #expect(
            Self.login(Self.attempt("dev1", clientID: "dev1-a"), policy: policy)
                == .failure(.badClientID(.tooLong(length: 6, maxLength: 4))))
        #expect(
            Self.login(Self.attempt("dev1", password: "sess1:123456", clientID: "dev1"), policy: policy)
                == .failure(.badSessionID(.tooLong(length: 5, maxLength: 4))))
    }

    @Test(arguments: [("dev1", true), ("dev1-a", false), ("dev10", false), ("DEV1", false), ("xdev1", false)])
    func clientIDPolicyUsername(clientID: String, admitted: Bool) {
        let result = Self.login(
            Self.attempt("dev1", clientID: clientID), policy: LoginPolicy(clientIDPolicy: .username))
        if admitted {
            #expect(result.isSuccess)
        } else {
            #expect(result == .failure(.clientIDNotBound(.username)))
        }
    }

    @Test(arguments: [
        ("dev1-a", true), ("dev1-", true), ("dev1-x-y", true), ("dev1", false), ("dev10-a", false), ("dev1_a", false),
        ("dev1a", false), ("x-dev1-a", false),
    ])
    func clientIDPolicyPrefix(clientID: String, admitted: Bool) {
        let result = Self.login(Self.attempt("dev1", clientID: clientID), policy: LoginPolicy(clientIDPolicy: .prefix))
        if admitted {
            #expect(result.isSuccess)
        } else {
            #expect(result == .failure(.clientIDNotBound(.prefix)))
        }
    }

    @Test func unknownSession() {
        #expect(Self.login(Self.attempt(password: "nope:123456")) == .failure(.unknownSession("nope")))
        // Session ids compare as bytes: "S1" is not "s1".
        #expect(Self.login(Self.attempt(password: "S1:123456")) == .failure(.unknownSession("S1")))
    }

    @Test func closedSession() {
        #expect(Self.login(Self.attempt(password: "closed:123456")) == .failure(.sessionNotOpen("closed", .closed)))
    }

    @Test func sessionExpiringNowIsExpired() {
        #expect(
            Self.login(Self.attempt(password: "expiring:123456")) == .failure(.sessionNotOpen("expiring", .expired)))
    }

    @Test func unreadablePinHash() {
        #expect(Self.login(Self.attempt(password: "garbled:123456")) == .failure(.unreadablePinHash("garbled")))
    }

    @Test(arguments: ["123457", "000000", "12345", "1234567", "123456 "])
    func wrongPin(pin: String) {
        #expect(Self.login(Self.attempt(password: "s1:" + pin)) == .failure(.wrongPin("s1")))
    }

    @Test func pinOfAnotherSessionIsWrongHere() {
        let sessions = Fixtures.snapshot([Fixtures.session("s1", pin: "111111"), Fixtures.session("s2", pin: "222222")])
        let result = LoginPolicy().authenticate(
            Self.attempt(password: "s1:222222"), sessions: sessions, now: Self.now, digester: Fixtures.digester)
        #expect(result == .failure(.wrongPin("s1")))
    }

    @Test func optionsConfigureThePolicy() throws {
        let options = try PluginOptions([
            ("topic_root", "/%s/"), ("pin_login", "false"), ("max_identity_length", "10"),
            ("clientid_policy", "prefix"),
        ])
        let policy = LoginPolicy(options: options)
        #expect(policy.identityRules == IdentityRules(maxLength: 10))
        #expect(policy.topicRoot.template == "/%s/")
        #expect(policy.pinLoginEnabled == false)
        #expect(policy.clientIDPolicy == .prefix)
        #expect(Self.login(Self.attempt(), policy: policy) == .failure(.pinLoginDisabled))
    }

    static let refusals: [LoginRefusal] = [
        .missingUsername, .missingPassword, .unrecognisedPassword, .pinLoginDisabled,
        .badUsername(.empty), .badClientID(.empty), .badSessionID(.empty), .clientIDNotBound(.username),
        .clientIDNotBound(.prefix), .unknownSession("s"), .sessionNotOpen("s", .closed),
        .sessionNotOpen("s", .expired), .unreadablePinHash("s"), .wrongPin("s"),
    ]

    @Test(arguments: refusals)
    func onlyMissingOrUnrecognisedCredentialsAreForeign(refusal: LoginRefusal) {
        let foreign: [LoginRefusal] = [.missingUsername, .missingPassword, .unrecognisedPassword]
        #expect(refusal.isForeign == foreign.contains(refusal))
    }

    @Test func refusalDescriptionsNeverCarryThePinOrTheRefusedName() {
        let wrong = Self.login(Self.attempt(password: "s1:987654"))
        guard case .failure(let refusal) = wrong else {
            Issue.record("expected a refusal, got \(wrong)")
            return
        }
        #expect(refusal.description == "wrong pin for session 's1'")
        #expect(!refusal.description.contains("987654"))

        let bad = Self.login(Self.attempt("evil/#"))
        guard case .failure(let badName) = bad else {
            Issue.record("expected a refusal, got \(bad)")
            return
        }
        #expect(!badName.description.contains("evil"))
        #expect(badName.description == "username has a character outside A-Z a-z 0-9 _ - . : @ at byte 4")
    }
}

extension Result {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
