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
    case sessionExpired
    case systemTopic
    case outsideTopicRoot(root: String)
    case malformedSharedSubscription
    case invalidFilter
    case deniedByRule(ProfileRule)
    case noRuleAllows(AccessKind, profile: String, role: String)
    /// The rules allow it, but the token's `publ` or `subs` claim does not (claims only narrow).
    case notInTokenClaim(String)

    public var description: String {
        switch self {
        case .sessionExpired: return "its session is expired"
        case .systemTopic: return "'$' topics are never reachable to session members"
        case .outsideTopicRoot(let root): return "outside the session's topic root '\(root)'"
        case .malformedSharedSubscription: return "not a valid '$share/<group>/<filter>'"
        case .invalidFilter: return "not a valid topic filter"
        case .deniedByRule(let rule): return "denied by \(rule)"
        case .noRuleAllows(let kind, let profile, let role):
            return "no rule of profile \(profile), role \(role) allows \(kind.rawValue)"
        case .notInTokenClaim(let claim): return "not within the token's '\(claim)' claim"
        }
    }
}

/// Decides each PUBLISH, SUBSCRIBE and delivery of a session member: pure, in memory, and independent
/// of how many sessions there are (the caller holds the connection; a closed session's connections are
/// no longer registered, so they never get here).
public enum AccessPolicy {
    /// The decision alone.
    public static func decide(_ kind: AccessKind, topic: String, client: AuthenticatedClient, now: Int64)
        -> AccessDecision
    {
        switch ruling(kind, topic: topic, client: client, now: now) {
        case .allow: return .allow
        case .deny(let denial, _): return .deny(denial)
        }
    }

    /// What the plugin asks on every PUBLISH and every delivery (`read` or `write`), on the topic's bytes
    /// as the broker holds them: no String is made on the path every message takes. `now` (seconds) is
    /// read only for a connection that has an end: time decides nothing else here, and most devices'
    /// sessions never expire (the clock cost ~50 instructions per check).
    public static func decideMessage(
        _ kind: AccessKind, topic: Span<UInt8>, client: AuthenticatedClient, now: @autoclosure () -> Int64
    ) -> AccessDecision {
        guard kind == .read || kind == .write else {
            // Not a message: judged the general way (the plugin never sends these here; no trap in the broker).
            var bytes: [UInt8] = []
            for index in topic.indices { bytes.append(topic[index]) }
            return decide(kind, topic: String(decoding: bytes, as: UTF8.self), client: client, now: now())
        }
        // Expiry before the memo: a remembered allow never outlives the connection's end.
        var seconds = Int64.min  // stands for any time when there is no expiry to compare it with
        if let expiresAt = client.expiresAt {
            seconds = now()
            if seconds >= expiresAt { return .deny(.sessionExpired) }
        }
        if client.allowedTopics.contains(kind, topic) { return .allow }
        switch messageRuling(kind, span: topic, client: client, now: seconds) {
        case .allow:
            client.allowedTopics.remember(kind, topic)
            return .allow
        case .deny(let denial, _): return .deny(denial)
        }
    }

    /// The decision and the rule that made it, for `sessionctl check`.
    public static func evaluate(_ kind: AccessKind, topic: String, client: AuthenticatedClient, now: Int64)
        -> AccessOutcome
    {
        switch ruling(kind, topic: topic, client: client, now: now) {
        case .allow(let grant): return .allow(by: grant.map { client.rules.grants[$0].rule })
        case .deny(let denial, let rule): return .deny(denial, rule: rule)
        }
    }

    /// An allow names its rule by index, so that `decide` copies nothing on the path taken most.
    enum Ruling {
        case allow(grant: Int?)
        case deny(AccessDenial, rule: ProfileRule?)
    }

    static func ruling(_ kind: AccessKind, topic: String, client: AuthenticatedClient, now: Int64) -> Ruling {
        switch kind {
        case .read, .write:
            return messageRuling(kind, span: Substring(topic).utf8.span, client: client, now: now)
        case .subscribe:
            return subscriptionRuling(topic, client: client, now: now)
        case .unsubscribe:
            // Unsubscribing cannot reveal or send anything, and refusing it would only leave stale state.
            return .allow(grant: nil)
        }
    }

    static func messageRuling(_ kind: AccessKind, span: Span<UInt8>, client: AuthenticatedClient, now: Int64)
        -> Ruling
    {
        if let refusal = boundary(span, client: client, now: now) { return refusal }
        let rules = client.rules
        if let broken = rules.brokenDeny { return .deny(.deniedByRule(broken), rule: broken) }
        for deny in rules.denies where deny.filter.matches(span: span) {
            return .deny(.deniedByRule(deny.rule), rule: deny.rule)
        }
        let grants = rules.grants
        for index in grants.indices where grants[index].allows(kind) && grants[index].filter.matches(span: span) {
            if let token = client.token, let refusal = narrowing(kind, span: span, token: token) {
                return .deny(refusal, rule: nil)
            }
            return .allow(grant: index)
        }
        return .deny(.noRuleAllows(kind, profile: rules.profile, role: rules.role), rule: nil)
    }

    private static func subscriptionRuling(_ topic: String, client: AuthenticatedClient, now: Int64) -> Ruling {
        var bytes = Substring(topic).utf8
        if bytes.starts(with: sharePrefix) {
            guard let filter = sharedSubscriptionFilter(bytes) else {
                return .deny(.malformedSharedSubscription, rule: nil)
            }
            bytes = filter
        }
        if let refusal = boundary(bytes.span, client: client, now: now) { return refusal }
        let rules = client.rules
        if let broken = rules.brokenDeny { return .deny(.deniedByRule(broken), rule: broken) }
        return subscription(TopicFilter(String(Substring(bytes))), rules: rules, token: client.token)
    }

    /// What holds before any rule: the connection's expiry, no `$` topics, nothing outside the root.
    private static func boundary(_ span: Span<UInt8>, client: AuthenticatedClient, now: Int64) -> Ruling? {
        if let expiresAt = client.expiresAt, now >= expiresAt { return .deny(.sessionExpired, rule: nil) }
        if !span.isEmpty, span[0] == UInt8(ascii: "$") { return .deny(.systemTopic, rule: nil) }
        // Byte-wise prefix on a root that ends in '/': `s1/` never admits `s10/...` or `s1` itself,
        // and a filter whose first levels are wildcards (`#`, `+/...`) does not start with the root.
        // Rules are anchored at the root too; this check keeps the promise even for a bad rule.
        guard hasPrefix(span, client.topicRoot.utf8.span) else {
            return .deny(.outsideTopicRoot(root: client.topicRoot), rule: nil)
        }
        return nil
    }

    /// The token's `publ` / `subs` claims, applied after the rules allowed: they can only take away.
    private static func narrowing(_ kind: AccessKind, span: Span<UInt8>, token: TokenGrant) -> AccessDenial? {
        if kind == .write, let allowed = token.publishFilters {
            for filter in allowed where filter.matches(span: span) { return nil }
            return .notInTokenClaim("publ")
        }
        if kind == .read, let allowed = token.subscribeFilters {
            for filter in allowed where filter.matches(span: span) { return nil }
            return .notInTokenClaim("subs")
        }
        return nil
    }

    private static func hasPrefix(_ bytes: Span<UInt8>, _ prefix: Span<UInt8>) -> Bool {
        guard bytes.count >= prefix.count else { return false }
        for index in 0..<prefix.count where bytes[index] != prefix[index] { return false }
        return true
    }

    /// A subscription is allowed only when one readable rule covers every topic the filter can match,
    /// and no deny rule overlaps it ("a/+" does not allow "a/#").
    private static func subscription(_ filter: TopicFilter?, rules: ClientRules, token: TokenGrant?) -> Ruling {
        guard let filter else { return .deny(.invalidFilter, rule: nil) }
        for deny in rules.denies where deny.filter.intersects(filter) {
            return .deny(.deniedByRule(deny.rule), rule: deny.rule)
        }
        for index in rules.grants.indices
        where rules.grants[index].rule.access.allowsRead && rules.grants[index].filter.covers(filter) {
            if let allowed = token?.subscribeFilters, !allowed.contains(where: { $0.covers(filter) }) {
                return .deny(.notInTokenClaim("subs"), rule: nil)
            }
            return .allow(grant: index)
        }
        return .deny(.noRuleAllows(.subscribe, profile: rules.profile, role: rules.role), rule: nil)
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
