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

    // Token logins.
    /// A token was presented but no `jwt_keys` are configured.
    case tokenLoginNotConfigured
    case badToken(TokenError)
    case tokenWithoutID
    case tokenWithoutSubject
    case badTokenSubject(IdentityViolation)
    /// Token as password: the username is not the token's `sub` (compared as bytes).
    case usernameNotTokenSubject
    case badTokenRole(IdentityViolation)
    case tokenRevoked(String)
    case deviceRevoked(session: String, device: String)
    case roleHasNoRules(profile: String, role: String)
    /// A token without `sid` whose jti the store does not hold as an operator token.
    case unknownOperatorToken(String)
    /// An operator token whose `sub` or `role` differs from what the store recorded at issue.
    case operatorTokenMismatch(String)

    /// Credentials this plugin does not recognise as its own: with `unknown_users defer` they are
    /// left to the broker's other plugins instead of being refused.
    public var isForeign: Bool {
        switch self {
        case .missingUsername, .missingPassword, .unrecognisedPassword, .tokenLoginNotConfigured: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .missingUsername: return "no username given"
        case .missingPassword: return "no password given"
        case .unrecognisedPassword: return "password is neither SESSIONID:PIN nor a token"
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
        case .tokenLoginNotConfigured: return "a token was given, but no jwt_keys are configured"
        case .badToken(let error): return "\(error)"
        case .tokenWithoutID: return "token has no jti claim (needed to revoke it)"
        case .tokenWithoutSubject: return "token has no sub claim"
        case .badTokenSubject(let v): return "token sub \(v)"
        case .usernameNotTokenSubject: return "username is not the token's sub"
        case .badTokenRole(let v): return "token role \(v)"
        case .tokenRevoked(let id): return "token \(TokenError.shown(id)) is revoked"
        case .deviceRevoked(let session, let device):
            return "the tokens of device '\(device)' in session '\(session)' are revoked"
        case .roleHasNoRules(let profile, let role): return "profile \(profile) has no rules for role '\(role)'"
        case .unknownOperatorToken(let id):
            return "token \(TokenError.shown(id)) has no sid and is not an operator token in the store"
        case .operatorTokenMismatch(let id):
            return "operator token \(TokenError.shown(id)) does not match the sub and role it was issued with"
        }
    }
}
