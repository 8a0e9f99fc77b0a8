import ArgumentParser
import SessionAuthCore
import SessionStore

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "List and edit profiles: the session types and their topic rules per role.",
        discussion: """
            A rule gives a role read, write, readwrite or deny on a topic pattern relative to the \
            session's topic root, with placeholders %u (username), %c (client id), %s (session id) and \
            %r (role). deny wins. Edits reach connected clients within a second.

            Example: sessionctl profile show telemetry
            """,
        subcommands: [
            ProfileList.self, ProfileShow.self, ProfileCreate.self, ProfileDelete.self, ProfileAddRule.self,
            ProfileRemoveRule.self,
        ]
    )
}

struct ProfileList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List profiles.", discussion: "Example: sessionctl profile list")

    @OptionGroup var store: StoreOptions

    func run() throws {
        let profiles = try store.openStore().profiles()
        if store.json {
            try Output.json(profiles.map(ProfileJSON.init))
            return
        }
        Output.table(
            ["NAME", "RULES", "DESCRIPTION"], profiles.map { [$0.name, "\($0.rules.count)", $0.description] })
    }
}

struct ProfileShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a profile's rules.",
        discussion: "Example: sessionctl profile show telemetry")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The profile's name.")
    var name: String

    func run() throws {
        guard let profile = try store.openStore().profiles().first(where: { $0.name == name }) else {
            throw CLIError("no profile '\(name)'; 'sessionctl profile list' shows the profiles")
        }
        if store.json {
            try Output.json(ProfileJSON(profile))
            return
        }
        print("\(profile.name): \(profile.description)")
        print("")
        Output.table(["ROLE", "ACCESS", "PATTERN"], profile.rules.map { [$0.role, $0.access.rawValue, $0.pattern] })
    }
}

struct ProfileCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create an empty profile.",
        discussion: "Example: sessionctl profile create lab --description \"lab benches\"")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The profile's name (used as a session's --type).")
    var name: String

    @Option(help: "What the profile is for.")
    var description = ""

    func validate() throws {
        if let violation = IdentityRules().violation(in: name.utf8) {
            throw ValidationError("profile name '\(name)' \(violation)")
        }
    }

    func run() throws {
        switch try store.openStore().createProfile(name: name, description: description) {
        case .done: print("Created profile \(name). Add rules with 'sessionctl profile add-rule \(name) ...'.")
        case .alreadyPresent: throw CLIError("a profile named '\(name)' already exists")
        default: throw CLIError("could not create profile '\(name)'")
        }
    }
}

struct ProfileDelete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a profile and its rules (refused while open sessions use it).",
        discussion: "Example: sessionctl profile delete lab")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The profile's name.")
    var name: String

    func run() throws {
        switch try store.openStore().deleteProfile(name: name, now: Now.seconds) {
        case .done: print("Deleted profile \(name).")
        case .noSuchProfile: throw CLIError("no profile '\(name)'; 'sessionctl profile list' shows the profiles")
        case .inUse(let count):
            throw CLIError("profile '\(name)' is used by \(count) open session(s); close them first")
        default: throw CLIError("could not delete profile '\(name)'")
        }
    }
}

/// The arguments that name one rule, shared by add-rule and remove-rule.
struct RuleArguments: ParsableArguments {
    @Argument(help: "The profile's name.")
    var profile: String

    @Option(help: "The role the rule applies to (pin logins have role 'device').")
    var role: String

    @Option(help: "read, write, readwrite or deny.")
    var access: String

    @Argument(help: "Topic pattern relative to the session root, e.g. 'dt/+/%u/#'.")
    var pattern: String

    func validate() throws {
        if let violation = IdentityRules().violation(in: role.utf8) {
            throw ValidationError("--role '\(role)' \(violation)")
        }
        guard RuleAccess(rawValue: access) != nil else {
            throw ValidationError("--access must be read, write, readwrite or deny, not '\(access)'")
        }
        if let problem = RulePattern.problem(pattern) { throw ValidationError("pattern '\(pattern)' \(problem)") }
    }

    var rule: ProfileRule {
        ProfileRule(profile: profile, role: role, access: RuleAccess(rawValue: access) ?? .deny, pattern: pattern)
    }
}

struct ProfileAddRule: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-rule", abstract: "Add a rule to a profile.",
        discussion: "Example: sessionctl profile add-rule lab --role device --access write 'dt/+/%u/#'")

    @OptionGroup var store: StoreOptions
    @OptionGroup var rule: RuleArguments

    func run() throws {
        switch try store.openStore().addRule(rule.rule) {
        case .done: print("Added to \(rule.profile): role \(rule.role) \(rule.access) \(rule.pattern)")
        case .alreadyPresent: print("Profile \(rule.profile) already has that rule.")
        case .noSuchProfile: throw CLIError("no profile '\(rule.profile)'; create it with 'sessionctl profile create'")
        default: throw CLIError("could not add the rule")
        }
    }
}

struct ProfileRemoveRule: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove-rule", abstract: "Remove a rule from a profile.",
        discussion: "Example: sessionctl profile remove-rule lab --role device --access write 'dt/+/%u/#'")

    @OptionGroup var store: StoreOptions
    @OptionGroup var rule: RuleArguments

    func run() throws {
        switch try store.openStore().removeRule(rule.rule) {
        case .done: print("Removed from \(rule.profile): role \(rule.role) \(rule.access) \(rule.pattern)")
        case .noSuchProfile:
            throw CLIError("no profile '\(rule.profile)'; 'sessionctl profile list' shows the profiles")
        case .noSuchRule:
            throw CLIError(
                "profile '\(rule.profile)' has no such rule; 'sessionctl profile show \(rule.profile)' lists them")
        default: throw CLIError("could not remove the rule")
        }
    }
}

struct ProfileJSON: Encodable {
    struct Rule: Encodable {
        let role: String
        let access: String
        let pattern: String
    }
    let name: String
    let description: String
    let rules: [Rule]

    init(_ profile: Profile) {
        name = profile.name
        description = profile.description
        rules = profile.rules.map { Rule(role: $0.role, access: $0.access.rawValue, pattern: $0.pattern) }
    }
}
