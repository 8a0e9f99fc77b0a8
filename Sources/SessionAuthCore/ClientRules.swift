/// One connection's rules, expanded for its identities and anchored at its session's root, ready to
/// match without touching the store. Compiled at CONNECT and again when the profile changes.
/// Immutable and shared by reference: the per-message path reads it without copying the arrays.
public final class ClientRules: Equatable, Sendable {
    /// A class so that the per-message loop over the rules retains a reference instead of copying the
    /// rule and its filter (measured: about 1,000 instructions per decision with a struct).
    public final class Compiled: Equatable, Sendable {
        public let rule: ProfileRule
        public let filter: TopicFilter

        public init(rule: ProfileRule, filter: TopicFilter) {
            self.rule = rule
            self.filter = filter
        }

        public static func == (lhs: Compiled, rhs: Compiled) -> Bool {
            lhs.rule == rhs.rule && lhs.filter == rhs.filter
        }

        func allows(_ kind: AccessKind) -> Bool {
            kind == .write ? rule.access.allowsWrite : rule.access.allowsRead
        }
    }

    /// Deny rules first: a deny that matches decides before any grant is looked at.
    public let denies: [Compiled]
    public let grants: [Compiled]
    /// A deny rule whose pattern could not be compiled: it then denies everything.
    public let brokenDeny: ProfileRule?
    /// The profile and role these came from, for the "no rule allows it" reason.
    public let profile: String
    public let role: String

    public init(denies: [Compiled], grants: [Compiled], brokenDeny: ProfileRule? = nil, profile: String, role: String) {
        self.denies = denies
        self.grants = grants
        self.brokenDeny = brokenDeny
        self.profile = profile
        self.role = role
    }

    /// Compiles `profile`'s rules for one connection. A pattern that does not compile is dropped when it
    /// grants (less access) and turns into "deny everything" when it denies, so a bad row never opens more.
    public static func compile(
        _ profile: Profile?, profileName: String, role: String, username: String, clientID: String, sessionID: String,
        topicRoot: String
    ) -> ClientRules {
        var denies: [Compiled] = []
        var grants: [Compiled] = []
        var brokenDeny: ProfileRule? = nil
        // Runs at every CONNECT: no intermediate arrays, and each filter's bytes in one allocation.
        let identitiesLength = username.utf8.count + clientID.utf8.count + sessionID.utf8.count + role.utf8.count
        for rule in profile?.rules ?? [] where rule.role == role {
            var filter: TopicFilter? = nil
            if let pattern = rule.compilablePattern {
                var bytes: [UInt8] = []
                bytes.reserveCapacity(topicRoot.utf8.count + pattern.count + identitiesLength)
                bytes += topicRoot.utf8
                RulePattern.expand(
                    pattern, into: &bytes, username: username, clientID: clientID, sessionID: sessionID, role: role)
                filter = TopicFilter(utf8: bytes)
            }
            switch (rule.access, filter) {
            case (.deny, let filter?):
                denies.append(Compiled(rule: rule, filter: filter))
            case (.deny, nil):
                brokenDeny = rule
            case (_, let filter?):
                grants.append(Compiled(rule: rule, filter: filter))
            case (_, nil):
                continue
            }
        }
        return ClientRules(denies: denies, grants: grants, brokenDeny: brokenDeny, profile: profileName, role: role)
    }

    public static func == (lhs: ClientRules, rhs: ClientRules) -> Bool {
        lhs.denies == rhs.denies && lhs.grants == rhs.grants && lhs.brokenDeny == rhs.brokenDeny
            && lhs.profile == rhs.profile && lhs.role == rhs.role
    }
}
