/// The plugin's counters, published under `$SYS/broker/plugin/session-auth/` every `sys_interval`
/// seconds as the broker publishes its own `$SYS` tree. Plain integers: the per-message path only adds.
public struct PluginMetrics: Sendable {
    public static let topicPrefix = "$SYS/broker/plugin/session-auth/"

    public private(set) var loginsAllowedByPin = 0
    public private(set) var loginsAllowedByToken = 0
    /// Refused logins by `LoginRefusal.metricName`.
    public private(set) var loginsRefused: [String: Int] = [:]
    public private(set) var loginsDeferred = 0
    public private(set) var aclAllowed = 0
    public private(set) var aclDenied = 0
    public private(set) var kicks = 0
    public private(set) var storeReloads = 0
    public private(set) var keyReloads = 0
    public private(set) var lockouts = 0

    public init() {}

    public mutating func loginAllowed(byToken: Bool) {
        if byToken { loginsAllowedByToken += 1 } else { loginsAllowedByPin += 1 }
    }

    public mutating func loginRefused(_ refusal: LoginRefusal) { loginsRefused[refusal.metricName, default: 0] += 1 }
    public mutating func loginDeferred() { loginsDeferred += 1 }
    public mutating func aclDecided(allowed: Bool) {
        if allowed { aclAllowed += 1 } else { aclDenied += 1 }
    }
    public mutating func kicked() { kicks += 1 }
    public mutating func storeReloaded() { storeReloads += 1 }
    public mutating func keysReloaded() { keyReloads += 1 }
    public mutating func lockedOut() { lockouts += 1 }

    /// Every counter as (topic below the prefix, value), the gauges given by the caller. Refusal reasons
    /// that never happened are published as 0, so a dashboard finds every topic from the start.
    public func entries(sessionsOpen: Int, clientsConnected: Int) -> [(topic: String, value: Int)] {
        var entries: [(String, Int)] = [
            ("logins/allowed/pin", loginsAllowedByPin),
            ("logins/allowed/token", loginsAllowedByToken),
            ("logins/refused/total", loginsRefused.values.reduce(0, +)),
            ("logins/deferred", loginsDeferred),
            ("acl/allowed", aclAllowed),
            ("acl/denied", aclDenied),
            ("kicks", kicks),
            ("reloads/store", storeReloads),
            ("reloads/keys", keyReloads),
            ("lockouts", lockouts),
            ("sessions/open", sessionsOpen),
            ("clients/connected", clientsConnected),
        ]
        for name in LoginRefusal.metricNames {
            entries.append(("logins/refused/\(name)", loginsRefused[name] ?? 0))
        }
        return entries.map { (topic: $0.0, value: $0.1) }
    }
}

extension LoginRefusal {
    /// Every `metricName`, in the order they are published.
    public static let metricNames = [
        "credentials", "identity", "wrong_pin", "pin_locked", "pin_disabled", "unknown_session",
        "session_not_open", "bad_token", "token_claims", "token_revoked", "token_disabled", "store_unavailable",
        "configuration",
    ]

    /// The refusal's counter under `logins/refused/`: a few stable groups an operator can alert on.
    public var metricName: String {
        switch self {
        case .missingUsername, .missingPassword, .unrecognisedPassword: return "credentials"
        case .badUsername, .badClientID, .badSessionID, .clientIDNotBound, .badTokenSubject, .badTokenRole:
            return "identity"
        case .wrongPin: return "wrong_pin"
        case .pinLoginLocked: return "pin_locked"
        case .pinLoginDisabled: return "pin_disabled"
        case .unknownSession: return "unknown_session"
        case .sessionNotOpen: return "session_not_open"
        case .badToken: return "bad_token"
        case .tokenWithoutID, .tokenWithoutSubject, .usernameNotTokenSubject, .unknownOperatorToken,
            .operatorTokenMismatch:
            return "token_claims"
        case .tokenRevoked, .deviceRevoked: return "token_revoked"
        case .tokenLoginNotConfigured: return "token_disabled"
        case .storeUnavailable: return "store_unavailable"
        case .unreadablePinHash, .unknownProfile, .roleHasNoRules: return "configuration"
        }
    }
}
