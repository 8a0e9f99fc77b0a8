/// What a rule grants. `deny` wins over every grant it overlaps.
public enum RuleAccess: String, Sendable, Equatable, CaseIterable {
    case read, write, readwrite, deny

    var allowsRead: Bool { self == .read || self == .readwrite }
    var allowsWrite: Bool { self == .write || self == .readwrite }
}

/// One rule of a profile, as the store keeps it: a topic pattern relative to the session's topic root,
/// with placeholders `%u` (username), `%c` (client id), `%s` (session id) and `%r` (role).
public struct ProfileRule: Equatable, Sendable, CustomStringConvertible {
    public let profile: String
    public let role: String
    public let access: RuleAccess
    public let pattern: String
    /// The pattern's UTF-8, when it is one a connection's rules can be compiled from; nil when
    /// `RulePattern.problem` finds fault with it. Checked once here, not at every CONNECT (it cost a
    /// pin login ~7,000 instructions per rule).
    let compilablePattern: [UInt8]?

    public init(profile: String, role: String, access: RuleAccess, pattern: String) {
        self.profile = profile
        self.role = role
        self.access = access
        self.pattern = pattern
        self.compilablePattern = RulePattern.problem(pattern) == nil ? Array(pattern.utf8) : nil
    }

    /// As `sessionctl check` and the broker log name the rule that decided.
    public var description: String { "profile \(profile), role \(role): \(access.rawValue) \(pattern)" }
}

/// A session type: a name and its rules for every role.
public struct Profile: Equatable, Sendable {
    public let name: String
    public let description: String
    public let rules: [ProfileRule]

    public init(name: String, description: String, rules: [ProfileRule]) {
        self.name = name
        self.description = description
        self.rules = rules
    }

    public func rules(for role: String) -> [ProfileRule] {
        rules.filter { $0.role == role }
    }

    /// Whether `role` has any rule here, without collecting them (asked at every token CONNECT).
    public func hasRules(for role: String) -> Bool {
        rules.contains { $0.role == role }
    }
}
