import ArgumentParser
import SessionAuthCore
import SessionStore
import TokenIssuing

/// Issues a token without a pin: for a device of one session (the backend already trusts it), or, with
/// --global, an operator token for a service that must see every session (SPEC §3, "a conductor").
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue a token for a device of a session, or a global operator token, without a pin.",
        discussion: """
            A session token gets the rules of --role in the session's profile and lives --ttl (default 24h), \
            never past the session's expiry.

            An operator token (--global) belongs to no session: its rules are given with --rule 'ACCESS \
            PATTERN' (ACCESS read, write, readwrite or deny; PATTERN an absolute topic filter, with %u, %c, \
            %r but no %s, never starting with '$') and kept in the store.

            Examples:
              sessionctl token k7m2q9xa --device dashboard --role service --ttl 7d
              sessionctl token --global --device conductor --role service \\
                  --rule 'read +/dt/#' --rule 'readwrite +/cmd/#'
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var keys: KeysLocation
    @OptionGroup var claims: IssuerOptions

    @Argument(help: "The session id (not with --global).")
    var id: String?

    @Flag(help: "Issue an operator token that belongs to no session, with its own --rule list.")
    var global = false

    @Option(
        help: "The client's name: its MQTT username and the token's subject (\(IdentityRules.alphabetDescription)).")
    var device: String

    @Option(help: "The role: a session token gets this role's rules in the session's profile.")
    var role: String

    @Option(
        name: .customLong("rule"),
        help: "With --global, repeatable: 'ACCESS PATTERN', e.g. 'read +/dt/#' (ACCESS read|write|readwrite|deny).")
    var rules: [String] = []

    @Option(help: "Lifetime: seconds or 90s, 15m, 24h, 7d (default 24h); never past the session's expiry.")
    var ttl: String?

    @Option(help: "A free-text note shown by 'sessionctl tokens'.")
    var label: String?

    func validate() throws {
        switch (id, global) {
        case (.some, true):
            throw CLIError("give a session ID or --global, not both: an operator token belongs to no session")
        case (nil, false):
            throw CLIError("give a session ID, or --global for an operator token with its own --rule list")
        case (.some, false):
            if !rules.isEmpty {
                throw CLIError(
                    "--rule is only for --global tokens; a session token gets its role's rules from the profile")
            }
        case (nil, true):
            _ = try operatorRules()
        }
        try TokenInput.checkDevice(device)
        try TokenInput.checkRole(role)
        try TokenInput.checkTTL(ttl)
        try TokenInput.checkLabel(label)
    }

    func run() throws {
        let opened = try store.openStore()
        let now = Now.seconds
        let tokenID = try TokenIssuer.newTokenID()
        let issuance: TokenIssuance
        if let id {
            let session = try opened.openSession(id, now: now)
            try opened.checkRoleHasRules(role, in: session)
            let (expiresAt, clamped) = TokenInput.expiry(ttl: ttl, now: now, sessionExpiresAt: session.expiresAt)
            issuance = TokenIssuance(
                request: TokenRequest(
                    subject: device, sessionID: id, role: role, issuedAt: now, expiresAt: expiresAt, tokenID: tokenID),
                record: IssuedToken(
                    tokenID: tokenID, sessionID: id, device: device, role: role, issuedAt: now, expiresAt: expiresAt,
                    label: label),
                hint: TokenIssuance.sessionHint(device: device, session: id),
                clamped: clamped)
        } else {
            let (expiresAt, _) = TokenInput.expiry(ttl: ttl, now: now, sessionExpiresAt: nil)
            let rules = try operatorRules()
            issuance = TokenIssuance(
                request: TokenRequest(
                    subject: device, sessionID: nil, role: role, issuedAt: now, expiresAt: expiresAt, tokenID: tokenID),
                record: IssuedToken(
                    tokenID: tokenID, sessionID: nil, device: device, role: role, issuedAt: now, expiresAt: expiresAt,
                    rules: rules, label: label),
                hint: "Connect with: mosquitto_sub -u \(device) -P \(TokenIssuance.tokenMark) -t 'TOPIC'"
                    + " (rules: \(rules.map { "\($0.access.rawValue) \($0.pattern)" }.joined(separator: ", ")))",
                clamped: false)
        }
        try issuance.run(store: opened, keys: try keys.keyRing(store: store), json: store.json, claims: claims)
    }

    /// The --rule values as rules; each is checked as a profile pattern is, and more strictly: the
    /// pattern is absolute (the token has no session root to put it under), so `%s` has nothing to name.
    func operatorRules() throws -> [ProfileRule] {
        guard !rules.isEmpty else {
            throw CLIError("an operator token needs at least one --rule 'ACCESS PATTERN', e.g. --rule 'read +/dt/#'")
        }
        let parsed = try rules.map { try Self.rule($0, role: role) }
        guard parsed.contains(where: { $0.access != .deny }) else {
            throw CLIError("every --rule is deny: the token would allow nothing; add a read, write or readwrite rule")
        }
        return parsed
    }

    /// One `ACCESS PATTERN` value; the pattern is what follows the first space (a topic may hold spaces).
    static func rule(_ text: String, role: String) throws -> ProfileRule {
        let parts = text.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, let access = RuleAccess(rawValue: String(parts[0])) else {
            throw CLIError(
                "--rule '\(text)' is not 'ACCESS PATTERN' with ACCESS read, write, readwrite or deny, e.g. 'read +/dt/#'"
            )
        }
        let pattern = String(parts[1].drop(while: { $0 == " " }))
        if let problem = RulePattern.problem(pattern) {
            throw CLIError("--rule pattern '\(pattern)' \(problem)")
        }
        // Every '%' starts a placeholder (problem() refuses any other), so this finds exactly the %s ones.
        if pattern.contains("%s") {
            throw CLIError(
                "--rule pattern '\(pattern)' uses %s, but an operator token has no session; use '+' for any session")
        }
        return ProfileRule(profile: "", role: role, access: access, pattern: pattern)
    }
}
