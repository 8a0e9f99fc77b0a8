import ArgumentParser
import Foundation
import SessionAuthCore
import SessionStore
import TokenIssuing

/// Checks of what join, token and revoke are given. Each throws one line naming the value and the fix;
/// thrown from `validate()` as a `CLIError` (not a `ValidationError`, which adds the usage to stderr).
enum TokenInput {
    static let defaultTTLSeconds: Int64 = 86_400
    static let maxLabelLength = 200
    /// A jti from another issuer may be any string; a bound keeps the store and the output sane.
    static let maxTokenIDLength = 256

    /// A device name becomes the token's `sub`, the username the plugin checks against the identity
    /// alphabet and expands as `%u`: a name the plugin would refuse must not get a token at all.
    static func checkDevice(_ device: String) throws {
        if let violation = IdentityRules().violation(in: device.utf8) {
            throw CLIError("--device '\(device)' \(violation); the plugin would refuse it as a username")
        }
    }

    /// The role is expanded as `%r` in rules, so it obeys the identity alphabet too.
    static func checkRole(_ role: String) throws {
        if let violation = IdentityRules().violation(in: role.utf8) {
            throw CLIError("--role '\(role)' \(violation)")
        }
    }

    static func checkTTL(_ ttl: String?) throws {
        if let ttl, DurationParser.seconds(ttl) == nil {
            throw CLIError(
                "--ttl '\(ttl)' is not a duration: use seconds or a number with s, m, h or d (e.g. 90s, 15m, 24h, 7d), at most 10 years"
            )
        }
    }

    static func checkLabel(_ label: String?) throws {
        if let label,
            label.count > maxLabelLength
                || label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        {
            throw CLIError("--label must be at most \(maxLabelLength) characters with no control characters")
        }
    }

    static func checkTokenID(_ tokenID: String) throws {
        guard !tokenID.isEmpty, tokenID.utf8.count <= maxTokenIDLength,
            !tokenID.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw CLIError(
                "--jti must be 1 to \(maxTokenIDLength) bytes with no control characters; 'sessionctl tokens' lists the jtis"
            )
        }
    }

    /// When a token issued now ends: `--ttl` later (default 24 h), but never after its session ends,
    /// since the plugin refuses a token of an expired session anyway and the listing should say so.
    static func expiry(ttl: String?, now: Int64, sessionExpiresAt: Int64?) -> (expiresAt: Int64, clamped: Bool) {
        let asked = now + (ttl.flatMap(DurationParser.seconds) ?? defaultTTLSeconds)
        if let sessionExpiresAt, sessionExpiresAt < asked { return (sessionExpiresAt, true) }
        return (asked, false)
    }
}

extension SessionStore {
    /// The session a token is to be issued for: it must exist and accept logins now.
    func openSession(_ id: String, now: Int64) throws -> SessionRecord {
        guard let record = try session(id: id) else {
            throw CLIError("no session with id '\(id)'; 'sessionctl list' shows the sessions")
        }
        switch record.status(at: now) {
        case .open: return record
        case .closed: throw CLIError("session '\(id)' is closed; it accepts no logins, so no token is issued")
        case .expired:
            throw CLIError(
                "session '\(id)' expired at \(Output.time(record.expiresAt)); it accepts no logins, so no token is issued"
            )
        }
    }

    /// The rules `role` gets in the session's profile; none means a token would allow nothing.
    func checkRoleHasRules(_ role: String, in session: SessionRecord) throws {
        guard let profile = try profiles().first(where: { $0.name == session.type }) else {
            throw CLIError("session '\(session.id)' has type '\(session.type)', which is not a profile in the store")
        }
        guard !profile.hasRules(for: role) else { return }
        var roles: [String] = []
        for rule in profile.rules where !roles.contains(rule.role) { roles.append(rule.role) }
        throw CLIError(
            "profile '\(profile.name)' of session '\(session.id)' has no rules for role '\(role)'; its roles are: "
                + (roles.isEmpty ? "(none)" : roles.joined(separator: ", ")))
    }
}

/// `iss` and `aud` for the tokens sessionctl issues: the plugin refuses tokens without them when its
/// `jwt_issuer` / `jwt_audience` options are set.
struct IssuerOptions: ParsableArguments {
    @Option(help: "The token's iss claim; must equal the plugin's jwt_issuer when that option is set.")
    var issuer: String?

    @Option(help: "The token's aud claim; must equal the plugin's jwt_audience when that option is set.")
    var audience: String?

    func validate() throws {
        if issuer?.isEmpty == true || audience?.isEmpty == true {
            throw CLIError("--issuer and --audience must not be empty; leave them out instead")
        }
    }
}

/// Signs a token with the keys directory's active key, records it, then prints it: a token is never
/// printed that the store does not know (it could not be listed, and `revoke --device` would not count it).
struct TokenIssuance {
    let request: TokenRequest
    let record: IssuedToken
    /// The text after the jti and expiry line, telling the device how to connect.
    let hint: String
    let clamped: Bool

    func run(store: SessionStore, keys: KeyRing, json: Bool, claims: IssuerOptions) throws {
        var request = request
        var record = record
        request.issuer = claims.issuer
        request.audience = claims.audience
        // A device revocation covers every token issued up to and including its second: a token issued
        // in that same second would be refused at once. Wait for the next second instead.
        if let sessionID = record.sessionID,
            let revokedAt = try store.deviceRevokedAt(sessionID: sessionID, device: record.device),
            revokedAt >= record.issuedAt, revokedAt < record.expiresAt - 1
        {
            while Now.seconds <= revokedAt { usleep(50_000) }
            request.issuedAt = revokedAt + 1
            record = IssuedToken(
                tokenID: record.tokenID, sessionID: record.sessionID, device: record.device, role: record.role,
                issuedAt: revokedAt + 1, expiresAt: record.expiresAt, rules: record.rules, label: record.label)
        }
        let token: String
        do {
            token = try TokenIssuer.issue(request, with: try keys.activeKey())
        } catch let error as KeyRingError {
            throw CLIError("\(error)")
        } catch {
            throw CLIError("could not issue the token: \(error)")
        }
        try store.recordIssuedToken(record)
        if json {
            try Output.json(IssuedTokenJSON(token: token, tokenID: record.tokenID, expiresAt: record.expiresAt))
            return
        }
        print(token)
        print(
            "jti \(record.tokenID), expires \(Output.time(record.expiresAt)) (\(record.expiresAt))"
                + (clamped ? ", when its session expires" : ""))
        print(hint.replacingOccurrences(of: Self.tokenMark, with: token))
    }

    /// Where the hint takes the token, so it is written once, by `run`.
    static let tokenMark = "<token>"

    /// For a session token. No `-i`: the client id is left to the client, since a fixed one shared by
    /// devices of the same name in two sessions would make the broker disconnect one for the other.
    static func sessionHint(device: String, session: String) -> String {
        "Connect with: mosquitto_pub -u \(device) -P \(tokenMark) -t '\(session)/TOPIC' -m MESSAGE"
    }
}

/// What join and token print with `--json`; the field names are a fixed interface (SPEC §6).
struct IssuedTokenJSON: Encodable {
    let token: String
    let tokenID: String
    let expiresAt: Int64

    enum CodingKeys: String, CodingKey {
        case token
        case tokenID = "jti"
        case expiresAt = "expires_at"
    }
}

/// A recorded token as `sessionctl tokens --json` prints it (never the token itself: it is not stored).
struct TokenListingJSON: Encodable {
    struct Rule: Encodable {
        let access: String
        let pattern: String
    }

    let listing: SessionStore.TokenListing
    let now: Int64

    enum CodingKeys: String, CodingKey {
        case jti, session, device, role, state, label, rules
        case issuedAt = "issued_at"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
    }

    func encode(to encoder: any Encoder) throws {
        let token = listing.token
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(token.tokenID, forKey: .jti)
        try container.encode(token.sessionID, forKey: .session)
        try container.encode(token.device, forKey: .device)
        try container.encode(token.role, forKey: .role)
        try container.encode(token.issuedAt, forKey: .issuedAt)
        try container.encode(token.expiresAt, forKey: .expiresAt)
        try container.encode(listing.state(at: now).rawValue, forKey: .state)
        try container.encode(listing.revokedAt, forKey: .revokedAt)
        try container.encode(token.label, forKey: .label)
        if token.isOperatorToken {
            try container.encode(
                token.rules.map { Rule(access: $0.access.rawValue, pattern: $0.pattern) }, forKey: .rules)
        }
    }
}

enum TokenState: String {
    case active, expired, revoked
}

extension SessionStore.TokenListing {
    /// Revoked wins over expired: it is what an operator did, and it stays true.
    func state(at now: Int64) -> TokenState {
        if revokedAt != nil { return .revoked }
        // The plugin refuses a token from its `exp` second on (RFC 7519 §4.1.4: "on or after").
        if token.expiresAt <= now { return .expired }
        return .active
    }
}
