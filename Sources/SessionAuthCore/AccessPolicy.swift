/// What a client asks to do with a topic (Mosquitto's MOSQ_ACL_* values, in Swift terms).
public enum AccessKind: String, Sendable, Equatable, CaseIterable {
    /// A message is about to be delivered to the client (checked on the real topic).
    case read
    /// The client publishes (including a will, checked when the broker sends it).
    case write
    /// The client subscribes with a filter.
    case subscribe
    /// The client unsubscribes.
    case unsubscribe
}

public enum AccessDecision: Equatable, Sendable {
    case allow
    case deny(AccessDenial)
}

/// A decision and the rule that made it (nil when no rule was involved), for logs and `sessionctl check`.
public struct AccessOutcome: Equatable, Sendable {
    public let decision: AccessDecision
    public let rule: ProfileRule?

    static func allow(by rule: ProfileRule?) -> AccessOutcome { AccessOutcome(decision: .allow, rule: rule) }
    static func deny(_ denial: AccessDenial, rule: ProfileRule? = nil) -> AccessOutcome {
        AccessOutcome(decision: .deny(denial), rule: rule)
    }
}

public enum AccessDenial: Equatable, Sendable, CustomStringConvertible {
    case sessionNotOpen(SessionStatus)
    case unknownSession
    case systemTopic
    case outsideTopicRoot(root: String)
    case malformedSharedSubscription
    case invalidFilter
    case deniedByRule(ProfileRule)
    case noRuleAllows(AccessKind, profile: String, role: String)

    public var description: String {
        switch self {
        case .sessionNotOpen(let status): return "its session is \(status.rawValue)"
        case .unknownSession: return "its session is no longer in the store"
        case .systemTopic: return "'$' topics are never reachable to session members"
        case .outsideTopicRoot(let root): return "outside the session's topic root '\(root)'"
        case .malformedSharedSubscription: return "not a valid '$share/<group>/<filter>'"
        case .invalidFilter: return "not a valid topic filter"
        case .deniedByRule(let rule): return "denied by \(rule)"
        case .noRuleAllows(let kind, let profile, let role):
            return "no rule of profile \(profile), role \(role) allows \(kind.rawValue)"
        }
    }
}

/// Decides each PUBLISH, SUBSCRIBE and delivery of a session member: pure and in memory.
public enum AccessPolicy {
    public static func decide(
        _ kind: AccessKind, topic: String, client: AuthenticatedClient, sessions: SessionSnapshot, now: Int64
    ) -> AccessDecision {
        evaluate(kind, topic: topic, client: client, sessions: sessions, now: now).decision
    }

    public static func evaluate(
        _ kind: AccessKind, topic: String, client: AuthenticatedClient, sessions: SessionSnapshot, now: Int64
    ) -> AccessOutcome {
        // Unsubscribing cannot reveal or send anything, and refusing it would only leave stale state.
        if kind == .unsubscribe { return .allow(by: nil) }
        guard let session = sessions[client.sessionID] else { return .deny(.unknownSession) }
        let status = session.status(at: now)
        guard status == .open else { return .deny(.sessionNotOpen(status)) }
        var bytes = Substring(topic).utf8
        if kind == .subscribe, bytes.starts(with: sharePrefix) {
            guard let filter = sharedSubscriptionFilter(bytes) else { return .deny(.malformedSharedSubscription) }
            bytes = filter
        }
        if bytes.first == UInt8(ascii: "$") { return .deny(.systemTopic) }
        // Byte-wise prefix on a root that ends in '/': `s1/` never admits `s10/...` or `s1` itself,
        // and a filter whose first levels are wildcards (`#`, `+/...`) does not start with the root.
        // Rules are anchored at the root too; this check keeps the promise even for a bad rule.
        guard bytes.starts(with: client.topicRoot.utf8) else {
            return .deny(.outsideTopicRoot(root: client.topicRoot))
        }
        let rules = client.rules
        if let broken = rules.brokenDeny { return .deny(.deniedByRule(broken), rule: broken) }
        switch kind {
        case .subscribe:
            return subscription(TopicFilter(String(Substring(bytes))), rules: rules)
        case .read, .write:
            for deny in rules.denies where deny.filter.matches(bytes: bytes) {
                return .deny(.deniedByRule(deny.rule), rule: deny.rule)
            }
            for grant in rules.grants
            where (kind == .write ? grant.rule.access.allowsWrite : grant.rule.access.allowsRead)
                && grant.filter.matches(bytes: bytes)
            {
                return .allow(by: grant.rule)
            }
            return .deny(.noRuleAllows(kind, profile: rules.profile, role: rules.role))
        case .unsubscribe:
            return .allow(by: nil)
        }
    }

    /// A subscription is allowed only when one readable rule covers every topic the filter can match,
    /// and no deny rule overlaps it ("a/+" does not allow "a/#").
    private static func subscription(_ filter: TopicFilter?, rules: ClientRules) -> AccessOutcome {
        guard let filter else { return .deny(.invalidFilter) }
        for deny in rules.denies where deny.filter.intersects(filter) {
            return .deny(.deniedByRule(deny.rule), rule: deny.rule)
        }
        for grant in rules.grants where grant.rule.access.allowsRead && grant.filter.covers(filter) {
            return .allow(by: grant.rule)
        }
        return .deny(.noRuleAllows(.subscribe, profile: rules.profile, role: rules.role))
    }

    private static let sharePrefix = "$share/".utf8

    /// The filter of `$share/<group>/<filter>` (MQTT 5 §4.8.2): the group is one non-empty level
    /// without wildcards, and the filter is not empty. Nil when the form is malformed.
    private static func sharedSubscriptionFilter(_ topic: Substring.UTF8View) -> Substring.UTF8View? {
        let afterPrefix = topic.dropFirst(sharePrefix.count)
        guard let slash = afterPrefix.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        let group = afterPrefix[..<slash]
        let filter = afterPrefix[afterPrefix.index(after: slash)...]
        guard !group.isEmpty, !filter.isEmpty,
            !group.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") })
        else { return nil }
        return filter
    }
}
