import ArgumentParser
import SessionAuthCore
import SessionAuthCrypto
import SessionStore

/// Answers allow/deny as the plugin would: the same LoginPolicy and AccessPolicy on the same store.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Say whether the plugin would allow a client an action on a topic, and which rule decides.",
        discussion: """
            Runs the plugin's own login and access code on the store. Pass the plugin's options if they \
            differ from the defaults (--topic-root, --clientid-policy, --max-identity-length, --pin-login).
            Example: sessionctl check --username sensor1 --clientid sensor1 --password k7m2q9xa:123456 \\
                       --topic k7m2q9xa/dt/a/sensor1/t --access write
            Exit status: 0 allow, 2 deny, 1 error.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "The username the client sends.") var username: String
    @Option(help: "The client id the client sends.") var clientid: String
    @Option(help: "The password the client sends (SESSIONID:PIN).") var password: String
    @Option(help: "The topic (read, write) or filter (subscribe).") var topic: String
    @Option(help: "read, write or subscribe.") var access: String

    @Option(help: "The plugin's topic_root option.") var topicRoot = TopicRootTemplate.default.template
    @Option(help: "The plugin's clientid_policy option.") var clientidPolicy = ClientIDPolicy.any.rawValue
    @Option(help: "The plugin's max_identity_length option.") var maxIdentityLength =
        "\(IdentityRules.defaultMaxLength)"
    @Option(help: "The plugin's pin_login option.") var pinLogin = "true"

    func validate() throws {
        guard let kind = AccessKind(rawValue: access), kind != .unsubscribe else {
            throw ValidationError("--access must be read, write or subscribe, not '\(access)'")
        }
        do { _ = try pluginOptions() } catch { throw ValidationError("\(error)") }
    }

    private func pluginOptions() throws(OptionError) -> PluginOptions {
        try PluginOptions([
            ("topic_root", topicRoot), ("clientid_policy", clientidPolicy), ("max_identity_length", maxIdentityLength),
            ("pin_login", pinLogin),
        ])
    }

    func run() throws {
        let opened = try store.openStore()
        let snapshot = SessionSnapshot(try opened.sessions(), profiles: try opened.profiles())
        let policy = LoginPolicy(options: try pluginOptions())
        let attempt = LoginAttempt(
            username: Array(username.utf8), password: Array(password.utf8), clientID: Array(clientid.utf8))
        let now = Now.seconds
        let verdict: Verdict
        switch policy.authenticate(attempt, sessions: snapshot, now: now, digester: OpenSSLDigester()) {
        case .failure(let refusal):
            verdict = Verdict(decision: "deny", rule: nil, reason: "login refused: \(refusal)")
        case .success(let client):
            let outcome = AccessPolicy.evaluate(
                AccessKind(rawValue: access) ?? .read, topic: topic, client: client, now: now)
            switch outcome.decision {
            case .allow: verdict = Verdict(decision: "allow", rule: outcome.rule?.description, reason: nil)
            case .deny(let denial):
                verdict = Verdict(decision: "deny", rule: outcome.rule?.description, reason: "\(denial)")
            }
        }
        if store.json {
            try Output.json(verdict)
        } else {
            // An allow names its rule; a deny's reason already names the rule when one decided.
            print(verdict.decision + ": " + (verdict.reason ?? verdict.rule.map { "by \($0)" } ?? "no rule involved"))
        }
        if verdict.decision != "allow" { throw ExitCode(2) }
    }

    struct Verdict: Encodable {
        let decision: String
        let rule: String?
        let reason: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(decision, forKey: .decision)
            try container.encode(rule, forKey: .rule)
            try container.encode(reason, forKey: .reason)
        }

        enum CodingKeys: String, CodingKey { case decision, rule, reason }
    }
}
