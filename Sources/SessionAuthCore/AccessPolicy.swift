/// What a client asks to do with a topic (Mosquitto's MOSQ_ACL_* values, in Swift terms).
public enum AccessKind: String, Sendable, Equatable {
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

public enum AccessDenial: Equatable, Sendable, CustomStringConvertible {
    case sessionNotOpen(SessionStatus)
    case unknownSession
    case systemTopic
    case outsideTopicRoot(root: String)
    case malformedSharedSubscription

    public var description: String {
        switch self {
        case .sessionNotOpen(let status): return "its session is \(status.rawValue)"
        case .unknownSession: return "its session is no longer in the store"
        case .systemTopic: return "'$' topics are never reachable to session members"
        case .outsideTopicRoot(let root): return "outside the session's topic root '\(root)'"
        case .malformedSharedSubscription: return "not a valid '$share/<group>/<filter>'"
        }
    }
}

/// Decides each PUBLISH, SUBSCRIBE and delivery of a session member: pure and in memory.
public enum AccessPolicy {
    public static func decide(
        _ kind: AccessKind, topic: String, client: AuthenticatedClient, sessions: SessionSnapshot, now: Int64
    ) -> AccessDecision {
        // Unsubscribing cannot reveal or send anything, and refusing it would only leave stale state.
        if kind == .unsubscribe { return .allow }
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
        guard bytes.starts(with: client.topicRoot.utf8) else {
            return .deny(.outsideTopicRoot(root: client.topicRoot))
        }
        return .allow
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
