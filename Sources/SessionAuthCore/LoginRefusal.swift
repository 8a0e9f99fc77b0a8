/// Why a CONNECT was refused. The description is the log line's reason: it names what was wrong
/// and never contains a pin, a password or a name that failed the identity check.
public enum LoginRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    case missingUsername
    case missingPassword
    /// The password is not `SESSIONID:PIN` (nor any other form this plugin knows).
    case unrecognisedPassword
    case pinLoginDisabled
    case badUsername(IdentityViolation)
    case badClientID(IdentityViolation)
    case badSessionID(IdentityViolation)
    case clientIDNotBound(ClientIDPolicy)
    case unknownSession(String)
    case sessionNotOpen(String, SessionStatus)
    case unreadablePinHash(String)
    case wrongPin(String)
    case pinLoginLocked(String)
    /// The store cannot be read now (missing, removed, corrupt): nothing can be verified against it.
    case storeUnavailable
    case unknownProfile(session: String, profile: String)

    /// Credentials this plugin does not recognise as its own: with `unknown_users defer` they are
    /// left to the broker's other plugins instead of being refused.
    public var isForeign: Bool {
        switch self {
        case .missingUsername, .missingPassword, .unrecognisedPassword: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .missingUsername: return "no username given"
        case .missingPassword: return "no password given"
        case .unrecognisedPassword: return "password is not of the form SESSIONID:PIN"
        case .pinLoginDisabled: return "pin login is disabled (pin_login false)"
        case .badUsername(let v): return "username \(v)"
        case .badClientID(let v): return "client id \(v)"
        case .badSessionID(let v): return "session id \(v)"
        case .clientIDNotBound(.username): return "client id must equal the username (clientid_policy username)"
        case .clientIDNotBound(.prefix): return "client id must start with '<username>-' (clientid_policy prefix)"
        case .clientIDNotBound(.any): return "client id refused"
        case .unknownSession(let id): return "no session '\(id)'"
        case .sessionNotOpen(let id, let status): return "session '\(id)' is \(status.rawValue)"
        case .unreadablePinHash(let id): return "session '\(id)' has a pin hash this version cannot read"
        case .wrongPin(let id): return "wrong pin for session '\(id)'"
        case .pinLoginLocked(let id): return "pin login to session '\(id)' is locked after too many wrong pins"
        case .storeUnavailable: return "the session store cannot be read (see the store warning in this log)"
        case .unknownProfile(let session, let profile):
            return "session '\(session)' has type '\(profile)', which is not a profile in the store"
        }
    }
}
