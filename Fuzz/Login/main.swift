// libFuzzer target: a whole CONNECT and the decisions after it — PresentedCredential, LoginPolicy
// (pin and token logins, operator tokens, revocations), ClientRules, AccessPolicy, ClientStanding.
// Compiled by scripts/fuzz.sh in ONE module with Sources/SessionAuthCore/*.swift (hence no import);
// test tooling only, never linked into the plugin. A failed invariant calls fatalError.
//
// The input is split at its first three NUL bytes into username, password, client id and topic (an
// empty username or password is absent). A username or password starting with `{` is taken as a token
// payload and wrapped into a token (`{"alg":"ES256"}` header, fixed signature): raw mutations of
// base64url rarely decode, so this is how the fuzzer reaches the claim logic with mutated claims.
// Tokens are checked by `UnsignedVerifier`, which does what TokenVerifier does except the signature.
//
// Invariants for every admitted client, under two policies (the defaults, and a stricter one):
// its names pass IdentityRules; its session exists and is open (or it is an operator token recorded in
// the store); it is in good standing (ClientStanding); a token was not revoked. For read, write and
// subscribe on the input's topic and a few fixed ones: nothing outside its topic root is allowed (an
// operator client has none), no `$` topic is, no deny rule is overruled, and the token's claims only
// narrow — whatever is allowed is also allowed to the same client without them and lies within them.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parts = bytes.split(separator: 0, maxSplits: 3, omittingEmptySubsequences: false).map { Array($0) }
    let username = parts[0].isEmpty ? nil : credential(parts[0])
    let password = parts.count > 1 && !parts[1].isEmpty ? credential(parts[1]) : nil
    let clientID = parts.count > 2 ? parts[2] : Array("fuzz-client".utf8)
    let topic = parts.count > 3 ? parts[3] : nil
    let attempt = LoginAttempt(username: username, password: password, clientID: clientID)

    for (policy, verifier) in policies {
        let result = policy.authenticate(
            attempt, sessions: snapshot, now: now, digester: StubDigester(), tokens: verifier,
            isPinLocked: { $0 == "locked" })
        switch result {
        case .success(let client):
            checkAdmitted(client, attempt: attempt, policy: policy)
            checkDecisions(client, topic: topic)
        case .failure(let refusal):
            _ = refusal.description
            _ = refusal.isForeign
        }
    }
    return 0
}

private func invariant(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant: \(message())") }
}

// MARK: The fixed world

private let now: Int64 = 1_700_000_000
private let pin = "123456"

/// Deterministic 32 bytes per input (FNV-1a, four lanes): the core only needs a function, and the
/// fuzzer must be able to log in with the right pin. Not a hash to use anywhere else.
private struct StubDigester: PinDigester {
    func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for lane in 0..<4 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 &+ UInt64(lane)
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: hash >> UInt64(shift))) }
        }
        return out
    }
}

/// TokenVerifier without the signature: size cap, compact form, header, claims, times, iss/aud.
private struct UnsignedVerifier: TokenVerifying {
    let claims: ClaimsPolicy
    func verify(_ token: [UInt8], now: Int64) -> Result<TokenClaims, TokenError> {
        let jws: CompactJWS
        switch CompactJWS.parse(token) {
        case .failure(let error): return .failure(error)
        case .success(let parsed): jws = parsed
        }
        switch TokenClaims.parse(payload: jws.payload) {
        case .failure(let error): return .failure(error)
        case .success(let parsed):
            if let refusal = claims.check(parsed, now: now) { return .failure(refusal) }
            return .success(parsed)
        }
    }
}

private func credential(_ part: [UInt8]) -> [UInt8] {
    guard part.first == UInt8(ascii: "{") else { return part }
    let header = Array(#"{"alg":"ES256"}"#.utf8)
    return Array((Base64URL.encode(header) + "." + Base64URL.encode(part) + ".c2ln").utf8)
}

private let profiles = [
    Profile(
        name: "open", description: "open",
        rules: [ProfileRule(profile: "open", role: "device", access: .readwrite, pattern: "#")]),
    Profile(
        name: "telemetry", description: "telemetry",
        rules: [
            ProfileRule(profile: "telemetry", role: "device", access: .write, pattern: "dt/+/%u/#"),
            ProfileRule(profile: "telemetry", role: "device", access: .readwrite, pattern: "cmd/+/%u/#"),
            ProfileRule(profile: "telemetry", role: "device", access: .deny, pattern: "cmd/reboot/#"),
            ProfileRule(profile: "telemetry", role: "service", access: .read, pattern: "dt/#"),
            ProfileRule(profile: "telemetry", role: "service", access: .readwrite, pattern: "cmd/#"),
            ProfileRule(profile: "telemetry", role: "admin", access: .readwrite, pattern: "#"),
        ]),
]

private func session(_ id: String, type: String, expiresAt: Int64? = nil, closedAt: Int64? = nil,
                     pinHash: String? = nil) -> SessionRecord {
    SessionRecord(
        id: id, pinHash: pinHash ?? PinHash(pin: Array(pin.utf8), salt: Array(0..<16), using: StubDigester()).stored,
        type: type, label: nil, createdAt: now - 3_600, expiresAt: expiresAt, closedAt: closedAt, revision: 1)
}

private func operatorRule(_ id: String, _ role: String, _ access: RuleAccess, _ pattern: String) -> ProfileRule {
    ProfileRule(profile: IssuedToken.rulesName(tokenID: id), role: role, access: access, pattern: pattern)
}

private let snapshot = SessionSnapshot(
    [
        session("s1", type: "open"),
        session("s2", type: "telemetry", expiresAt: now + 3_600),
        session("s10", type: "open"),
        session("a:b", type: "open"),
        session("locked", type: "open"),
        session("closed", type: "telemetry", closedAt: now - 10),
        session("expired", type: "open", expiresAt: now),
        session("garbled", type: "open", pinHash: "sha256$00$00"),
        session("orphan", type: "no-such-profile"),
    ],
    profiles: profiles,
    tokens: TokenSnapshot(
        revocations: [TokenRevocation(tokenID: "revoked-1", revokedAt: now - 60)],
        deviceRevocations: [DeviceRevocation(sessionID: "s2", device: "dev9", revokedAt: now - 100)],
        operatorTokens: [
            IssuedToken(
                tokenID: "op-1", sessionID: nil, device: "conductor", role: "service", issuedAt: now - 60,
                expiresAt: now + 3_600,
                rules: [
                    operatorRule("op-1", "service", .read, "+/dt/#"),
                    operatorRule("op-1", "service", .readwrite, "ops/%u/#"),
                    operatorRule("op-1", "service", .deny, "+/dt/secret/#"),
                ]),
            IssuedToken(
                tokenID: "op-2", sessionID: nil, device: "root", role: "admin", issuedAt: now - 60,
                expiresAt: now + 3_600, rules: [operatorRule("op-2", "admin", .readwrite, "#")]),
            // A session token handed to the snapshot is ignored: it is no operator token.
            IssuedToken(
                tokenID: "sess-1", sessionID: "s1", device: "dev1", role: "device", issuedAt: now - 60,
                expiresAt: now + 3_600),
        ]))

private let policies: [(LoginPolicy, UnsignedVerifier)] = {
    let strictRoot = try! TopicRootTemplate("sessions/%s/")
    return [
        (LoginPolicy(), UnsignedVerifier(claims: ClaimsPolicy()!)),
        (
            LoginPolicy(
                identityRules: IdentityRules(maxLength: 16), topicRoot: strictRoot, clientIDPolicy: .prefix,
                tokenLeeway: 30, disconnectOnExpiry: false),
            UnsignedVerifier(claims: ClaimsPolicy(leeway: 30, issuer: "sessionctl", audience: "mqtt")!)
        ),
    ]
}()

// MARK: Invariants

private func checkAdmitted(_ client: AuthenticatedClient, attempt: LoginAttempt, policy: LoginPolicy) {
    let rules = policy.identityRules
    invariant(rules.violation(in: client.username.utf8) == nil, "admitted username '\(client.username)'")
    invariant(rules.violation(in: client.clientID.utf8) == nil, "admitted client id '\(client.clientID)'")
    invariant(rules.violation(in: client.role.utf8) == nil, "admitted role '\(client.role)'")
    invariant(client.clientID.utf8.elementsEqual(attempt.clientID), "client id is not the one sent")
    invariant(policy.clientIDPolicy.allows(clientID: attempt.clientID, username: Array(client.username.utf8)),
              "client id '\(client.clientID)' not bound to '\(client.username)'")
    // A name given as the username (not a token sent as the username) is the client's name, byte for byte.
    switch PresentedCredential.classify(attempt) {
    case .success(.pin(let username, _)), .success(.token(_, claimedUsername: let username?)):
        invariant(client.username.utf8.elementsEqual(username), "client named '\(client.username)', not its username")
    case .success(.token(_, claimedUsername: nil)):
        invariant(client.token != nil, "a token sent as the username admitted without a token grant")
    case .failure(let refusal):
        fatalError("invariant: admitted, but the credential is refused as \(refusal)")
    }
    invariant(ClientStanding.disconnectReason(client, sessions: snapshot, now: now) == nil,
              "admitted client must go at once: \(String(describing: ClientStanding.disconnectReason(client, sessions: snapshot, now: now)))")
    if let expiresAt = client.expiresAt { invariant(now < expiresAt, "admitted after its expiry \(expiresAt)") }

    if let token = client.token {
        invariant(!snapshot.tokens.isRevoked(tokenID: token.tokenID), "revoked token \(token.tokenID) admitted")
        if token.isOperator {
            guard let record = snapshot.tokens.operatorToken(token.tokenID) else {
                fatalError("invariant: operator token \(token.tokenID) not in the store admitted")
            }
            invariant(record.device == client.username && record.role == client.role, "operator token mismatch")
            invariant(client.sessionID.isEmpty && client.topicRoot.isEmpty, "an operator client with a session")
        }
        if !policy.disconnectOnExpiry { invariant(token.disconnectAt == nil, "disconnectAt without disconnect_on_expiry") }
    } else {
        invariant(client.role == LoginPolicy.deviceRole, "a pin login with role \(client.role)")
        invariant(attempt.password.flatMap { PinCredential(password: $0) } != nil, "admitted without pin or token")
    }
    if !client.isOperator {
        invariant(rules.violation(in: client.sessionID.utf8) == nil, "admitted session id '\(client.sessionID)'")
        invariant(snapshot[client.sessionID]?.status(at: now) == .open, "admitted to session '\(client.sessionID)', not open")
        invariant(client.topicRoot == policy.topicRoot.root(forSession: client.sessionID), "root '\(client.topicRoot)'")
        if let token = client.token {
            invariant(!snapshot.tokens.isDeviceRevoked(
                sessionID: client.sessionID, device: client.username, issuedAt: token.issuedAt),
                "a revoked device's token admitted")
        }
    }
}

private func checkDecisions(_ client: AuthenticatedClient, topic: [UInt8]?) {
    let root = client.topicRoot
    var topics = [
        root + "dt/x/\(client.username)/t", root + "cmd/a/\(client.username)/x", root + "cmd/reboot/\(client.username)/x",
        root + "#", root + "dt/#", root + "+/+/\(client.username)/#", "$share/g/" + root + "cmd/#",
        "s10/x", "s1", "#", "+/dt/x", "$SYS/broker/uptime", "$share/g/#", "ops/\(client.username)/x",
    ]
    if let topic { topics.append(String(decoding: topic, as: UTF8.self)) }
    // Without its token, the same client: what the claims take away shows here.
    let unclaimed = AuthenticatedClient(
        sessionID: client.sessionID, username: client.username, clientID: client.clientID, role: client.role,
        topicRoot: client.topicRoot, rules: client.rules, expiresAt: client.expiresAt, token: nil)

    for text in topics {
        for kind in [AccessKind.read, .write, .subscribe] {
            let decision = AccessPolicy.decide(kind, topic: text, client: client, now: now)
            let outcome = AccessPolicy.evaluate(kind, topic: text, client: client, now: now)
            invariant(outcome.decision == decision, "evaluate and decide disagree on \(kind) '\(text)'")
            guard decision == .allow else { continue }
            checkAllowed(kind, text, client)
            invariant(AccessPolicy.decide(kind, topic: text, client: unclaimed, now: now) == .allow,
                      "the token's claims widened \(kind) '\(text)'")
            if let expiresAt = client.expiresAt {
                invariant(AccessPolicy.decide(kind, topic: text, client: client, now: expiresAt) != .allow,
                          "\(kind) '\(text)' allowed at the client's expiry")
            }
        }
    }
}

/// What an allowed `kind` on `text` must satisfy, worked out from the client without AccessPolicy.
private func checkAllowed(_ kind: AccessKind, _ text: String, _ client: AuthenticatedClient) {
    var target = Array(text.utf8)
    let share = Array("$share/".utf8)
    if kind == .subscribe, target.starts(with: share) {
        let rest = target.dropFirst(share.count)
        guard let slash = rest.firstIndex(of: UInt8(ascii: "/")) else {
            fatalError("invariant: subscribe '\(text)' allowed without a shared filter")
        }
        invariant(!rest[..<slash].isEmpty, "an empty share group allowed")
        invariant(!rest[..<slash].contains { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") },
                  "a share group with a wildcard allowed: '\(text)'")
        target = Array(rest[(slash + 1)...])
    }
    invariant(!target.isEmpty, "\(kind) of an empty topic allowed")
    invariant(target.first != UInt8(ascii: "$"), "\(kind) '\(text)': a '$' topic allowed")
    if !(client.isOperator && client.topicRoot.isEmpty) {
        invariant(!client.topicRoot.isEmpty, "a session client with an empty root")
        invariant(target.starts(with: client.topicRoot.utf8), "\(kind) '\(text)' allowed outside root '\(client.topicRoot)'")
    }
    let targetText = String(decoding: target, as: UTF8.self)
    let rules = client.rules
    invariant(rules.brokenDeny == nil, "allowed despite a broken deny rule")
    if kind == .subscribe {
        guard let filter = TopicFilter(targetText) else { fatalError("invariant: invalid filter '\(text)' allowed") }
        invariant(!rules.denies.contains { $0.filter.intersects(filter) }, "subscribe '\(text)' overlaps a deny rule")
        invariant(rules.grants.contains { $0.rule.access.allowsRead && $0.filter.covers(filter) },
                  "subscribe '\(text)' not covered by a readable rule")
        if let subs = client.token?.subscribeFilters {
            invariant(subs.contains { $0.covers(filter) }, "subscribe '\(text)' outside the subs claim")
        }
        // Every topic it can match is readable: try one, its wildcards filled in.
        let instance = instanceTopic(of: filter)
        invariant(AccessPolicy.decide(.read, topic: instance, client: client, now: now) == .allow,
                  "subscribe '\(text)' allowed but reading '\(instance)' is not")
    } else {
        invariant(!target.contains { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") || $0 == 0 },
                  "\(kind) of a topic with a wildcard or NUL: '\(text)'")
        invariant(!rules.denies.contains { $0.filter.matches(bytes: target) }, "\(kind) '\(text)' matches a deny rule")
        let allows: (ClientRules.Compiled) -> Bool = {
            (kind == .write ? $0.rule.access.allowsWrite : $0.rule.access.allowsRead) && $0.filter.matches(bytes: target)
        }
        invariant(rules.grants.contains(where: allows), "\(kind) '\(text)' allowed by no rule")
        let claim = kind == .write ? client.token?.publishFilters : client.token?.subscribeFilters
        if let claim { invariant(claim.contains { $0.matches(bytes: target) }, "\(kind) '\(text)' outside the token's claim") }
    }
}

/// A topic `filter` matches: `+` filled with `x`, `#` with `y` (so never a `$` level).
private func instanceTopic(of filter: TopicFilter) -> String {
    let levels: [[UInt8]] = filter.levels.map {
        switch $0 {
        case .literal(let bytes): return bytes
        case .singleLevel: return [UInt8(ascii: "x")]
        case .multiLevel: return [UInt8(ascii: "y")]
        }
    }
    return String(decoding: Array(levels.joined(separator: [UInt8(ascii: "/")])), as: UTF8.self)
}
