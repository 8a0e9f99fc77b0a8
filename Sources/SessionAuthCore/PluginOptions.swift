/// The plugin's options (`plugin_opt_<name>` or `auth_opt_<name>` in mosquitto.conf), each with a default.
/// Parsing is all-or-nothing: an unknown option or a bad value stops the broker at start.
public struct PluginOptions: Equatable, Sendable {
    public static let defaultDatabasePath = "/var/lib/mosquitto-session-auth/sessions.db"

    public var databasePath = PluginOptions.defaultDatabasePath
    public var topicRoot = TopicRootTemplate.default
    public var pinLogin = true
    public var maxIdentityLength = IdentityRules.defaultMaxLength
    public var clientIDPolicy = ClientIDPolicy.any
    public var unknownUsers = UnknownUsers.deny
    public var pinLockout = PinLockout.Settings()
    /// A PEM or JWKS file of verification keys; nil (the default) turns token login off.
    public var jwtKeys: String?
    /// The algorithms a token may use; a key still verifies only its own family's (no RS/HS confusion).
    public var jwtAlgorithms = Set(JWSAlgorithm.allCases)
    public var jwtIssuer: String?
    public var jwtAudience: String?
    public var jwtLeeway: Int64 = 0
    public var disconnectOnExpiry = true
    /// The most detailed log lines written (`log_level`); the broker's `log_type` filters as well.
    public var logLevel = LogLevel.info
    /// Seconds between publications of the counters under `$SYS/broker/plugin/session-auth/`; 0: never.
    public var sysInterval: Int64 = 10

    public init() {}

    public init(_ pairs: [(key: String, value: String)]) throws(OptionError) {
        var seen = Set<String>()
        for (key, value) in pairs {
            guard seen.insert(key).inserted else { throw .duplicate(option: key) }
            try set(key, value)
        }
    }

    private mutating func set(_ key: String, _ value: String) throws(OptionError) {
        switch key {
        case "db_path":
            guard !value.isEmpty else {
                throw .badValue(option: key, value: value, why: "must be the path of the store sessionctl writes")
            }
            databasePath = value
        case "topic_root":
            topicRoot = try TopicRootTemplate(value)
        case "pin_login":
            pinLogin = try Self.boolean(key, value)
        case "max_identity_length":
            maxIdentityLength = Int(
                try Self.wholeNumber(
                    key, value,
                    in: Int64(IdentityRules.maxLengthRange.lowerBound)...Int64(IdentityRules.maxLengthRange.upperBound))
            )
        case "clientid_policy":
            clientIDPolicy = try Self.choice(key, value, ClientIDPolicy.self)
        case "unknown_users":
            unknownUsers = try Self.choice(key, value, UnknownUsers.self)
        case "pin_max_failures":
            pinLockout.maxFailures = Int(try Self.wholeNumber(key, value, in: 1...1000))
        case "pin_failure_window":
            pinLockout.window = try Self.duration(key, value, atMost: 86_400)
        case "pin_lockout":
            pinLockout.lockSeconds = try Self.duration(key, value, atMost: 7 * 86_400)
        case "jwt_keys":
            guard !value.isEmpty else {
                throw .badValue(option: key, value: value, why: "must be the path of a PEM or JWKS file of public keys")
            }
            jwtKeys = value
        case "jwt_algorithms":
            jwtAlgorithms = try Self.algorithms(key, value)
        case "jwt_issuer":
            jwtIssuer = try Self.claimValue(key, value)
        case "jwt_audience":
            jwtAudience = try Self.claimValue(key, value)
        case "jwt_leeway":
            jwtLeeway = try Self.duration(key, value, atMost: ClaimsPolicy.leewayRange.upperBound)
        case "disconnect_on_expiry":
            disconnectOnExpiry = try Self.boolean(key, value)
        case "log_level":
            logLevel = try Self.choice(key, value, LogLevel.self)
        case "sys_interval":
            sysInterval = try Self.wholeNumber(key, value, in: 0...86_400)
        default:
            throw .unknown(option: key)
        }
    }

    /// A comma-separated allow-list of JWS algorithm names, spelled exactly (`none` is not one).
    private static func algorithms(_ key: String, _ value: String) throws(OptionError) -> Set<JWSAlgorithm> {
        var chosen = Set<JWSAlgorithm>()
        for name in value.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = String(name.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
            guard let algorithm = JWSAlgorithm(headerValue: trimmed) else {
                let names = JWSAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")
                throw .badValue(option: key, value: value, why: "must be a comma-separated list of: \(names)")
            }
            chosen.insert(algorithm)
        }
        return chosen
    }

    /// An expected `iss` or `aud`: compared as bytes with the token's, so it must not be empty.
    private static func claimValue(_ key: String, _ value: String) throws(OptionError) -> String {
        guard !value.isEmpty else {
            throw .badValue(option: key, value: value, why: "must not be empty (leave the option out instead)")
        }
        return value
    }

    /// Digits only (no sign, no spaces), within `range`.
    private static func wholeNumber(_ key: String, _ value: String, in range: ClosedRange<Int64>) throws(OptionError)
        -> Int64
    {
        guard value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), value.utf8.count <= 12,
            let number = Int64(value), range.contains(number)
        else {
            throw .badValue(
                option: key, value: value,
                why: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// Seconds or a suffixed duration (`90s`, `15m`, `24h`, `7d`), as sessionctl's --ttl.
    private static func duration(_ key: String, _ value: String, atMost limit: Int64) throws(OptionError) -> Int64 {
        guard let seconds = DurationParser.seconds(value), seconds <= limit else {
            throw .badValue(
                option: key, value: value,
                why: "must be a duration of at most \(limit) seconds: seconds or a number with s, m, h or d")
        }
        return seconds
    }

    private static func boolean(_ key: String, _ value: String) throws(OptionError) -> Bool {
        switch value {
        case "true": return true
        case "false": return false
        default: throw .badValue(option: key, value: value, why: "must be true or false")
        }
    }

    private static func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ value: String, _: T.Type)
        throws(OptionError) -> T where T.RawValue == String
    {
        guard let parsed = T(rawValue: value) else {
            let names = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw .badValue(option: key, value: value, why: "must be one of: \(names)")
        }
        return parsed
    }
}

/// What to do with credentials this plugin does not recognise (option `unknown_users`).
public enum UnknownUsers: String, Sendable, Equatable, CaseIterable {
    /// Refuse them: this plugin is the only authority.
    case deny
    /// Leave them to the broker's other plugins (MOSQ_ERR_PLUGIN_DEFER).
    case `defer`
}

/// How much the plugin logs (option `log_level`). Refusals and denials are `notice`, logins and
/// disconnects `info`, each allowed ACL decision `debug`. No level ever shows a pin, a token or a key.
public enum LogLevel: String, Sendable, Equatable, CaseIterable, Comparable {
    case error, warning, notice, info, debug

    private var rank: Int {
        switch self {
        case .error: return 0
        case .warning: return 1
        case .notice: return 2
        case .info: return 3
        case .debug: return 4
        }
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rank < rhs.rank }
}
