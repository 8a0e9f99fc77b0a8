/// The claims of a token (RFC 7519 §4.1, plus `sid`, `role` and the `publ`/`subs` topic lists of the
/// Rust mosquitto-jwt-auth plugin), typed. Reading them checks types only; times are judged by `ClaimsPolicy`.
public struct TokenClaims: Equatable, Sendable {
    public var subject: String?
    public var sessionID: String?
    public var role: String?
    public var expiresAt: Int64
    public var issuedAt: Int64?
    public var notBefore: Int64?
    public var issuer: String?
    /// `aud` as a list whether the token sent one string or an array (RFC 7519 §4.1.3); empty when absent.
    public var audience: [String]
    public var tokenID: String?
    public var publish: [String]?
    public var subscribe: [String]?

    /// NumericDate values as doubles are floored only within ±2^53, where every integer is exact; past
    /// it a double no longer names one second, and converting it to Int64 could trap.
    static let maxExactDouble: Double = 9_007_199_254_740_992

    public init(
        subject: String? = nil, sessionID: String? = nil, role: String? = nil, expiresAt: Int64,
        issuedAt: Int64? = nil, notBefore: Int64? = nil, issuer: String? = nil, audience: [String] = [],
        tokenID: String? = nil, publish: [String]? = nil, subscribe: [String]? = nil
    ) {
        self.subject = subject
        self.sessionID = sessionID
        self.role = role
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
        self.notBefore = notBefore
        self.issuer = issuer
        self.audience = audience
        self.tokenID = tokenID
        self.publish = publish
        self.subscribe = subscribe
    }

    /// Reads the claims from a JWS payload (already verified): strict JSON, an object, `exp` present.
    /// The members are picked out as the parser reads them (it refuses repeated names, so each claim is
    /// met at most once): no tree of the whole claim set is built and freed per token.
    public static func parse(payload: [UInt8]) -> Result<TokenClaims, TokenError> {
        var found = ClaimValues()
        switch StrictJSONParser.forEachMember(of: payload, { found.take($1, named: $0.span) }) {
        case .failure(let error): return .failure(.payloadNotJSON(error))
        case .success(false): return .failure(.payloadNotObject)
        case .success(true): return claims(found)
        }
    }

    /// Reads the claims from a parsed payload. A claim present with the wrong type is refused (a `null`
    /// included), never treated as absent: an issuer that wrote it meant something by it.
    public static func parse(_ json: JSONValue) -> Result<TokenClaims, TokenError> {
        guard case .object(let members) = json else { return .failure(.payloadNotObject) }
        var found = ClaimValues()
        for index in members.indices {
            found.take(members[index].1, named: members[index].0.utf8.span)
        }
        return claims(found)
    }

    private static func claims(_ found: ClaimValues) -> Result<TokenClaims, TokenError> {
        do throws(TokenError) {
            guard let exp = try time(found.exp, "exp") else { throw .missingExpiry }
            return .success(
                TokenClaims(
                    subject: try string(found.sub, "sub"), sessionID: try string(found.sid, "sid"),
                    role: try string(found.role, "role"),
                    expiresAt: exp, issuedAt: try time(found.iat, "iat"), notBefore: try time(found.nbf, "nbf"),
                    issuer: try string(found.iss, "iss"), audience: try audience(found.aud),
                    tokenID: try string(found.jti, "jti"),
                    publish: try strings(found.publ, "publ"), subscribe: try strings(found.subs, "subs")))
        } catch {
            return .failure(error)
        }
    }

    /// The members of a claim set this plugin reads, by name; every other member is ignored.
    private struct ClaimValues {
        var exp, sub, sid, role, iat, nbf, iss, aud, jti, publ, subs: JSONValue?

        private static let keys = (
            exp: ShortName.key("exp"), sub: ShortName.key("sub"), sid: ShortName.key("sid"),
            role: ShortName.key("role"), iat: ShortName.key("iat"), nbf: ShortName.key("nbf"),
            iss: ShortName.key("iss"), aud: ShortName.key("aud"), jti: ShortName.key("jti"),
            publ: ShortName.key("publ"), subs: ShortName.key("subs")
        )

        mutating func take(_ value: JSONValue, named name: Span<UInt8>) {
            guard let key = ShortName.key(name) else { return }
            let keys = Self.keys
            switch key {
            case keys.exp: exp = value
            case keys.sub: sub = value
            case keys.sid: sid = value
            case keys.role: role = value
            case keys.iat: iat = value
            case keys.nbf: nbf = value
            case keys.iss: iss = value
            case keys.aud: aud = value
            case keys.jti: jti = value
            case keys.publ: publ = value
            case keys.subs: subs = value
            default: return
            }
        }
    }

    private static func string(_ value: JSONValue?, _ name: String) throws(TokenError) -> String? {
        guard let value else { return nil }
        guard case .string(let text) = value else { throw .claimWrongType(name) }
        return text
    }

    private static func strings(_ value: JSONValue?, _ name: String) throws(TokenError) -> [String]? {
        guard let value else { return nil }
        guard case .array(let elements) = value else { throw .claimWrongType(name) }
        var texts: [String] = []
        for element in elements {
            guard case .string(let text) = element else { throw .claimWrongType(name) }
            texts.append(text)
        }
        return texts
    }

    private static func audience(_ value: JSONValue?) throws(TokenError) -> [String] {
        if case .string(let single)? = value { return [single] }
        return try strings(value, "aud") ?? []
    }

    /// A NumericDate (RFC 7519 §2): seconds since the epoch, an integer or a finite double floored.
    private static func time(_ value: JSONValue?, _ name: String) throws(TokenError) -> Int64? {
        switch value {
        case nil: return nil
        case .integer(let seconds)?: return seconds
        case .number(let seconds)?:
            // NaN fails both comparisons, so it is refused with the infinities.
            guard seconds >= -maxExactDouble, seconds <= maxExactDouble else { throw .claimOutOfRange(name) }
            return Int64(seconds.rounded(.down))
        default: throw .claimWrongType(name)
        }
    }
}
