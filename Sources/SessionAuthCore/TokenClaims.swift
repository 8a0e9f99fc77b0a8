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
    public static func parse(payload: [UInt8]) -> Result<TokenClaims, TokenError> {
        switch StrictJSONParser.parse(payload) {
        case .failure(let error): return .failure(.payloadNotJSON(error))
        case .success(let json): return parse(json)
        }
    }

    /// Reads the claims from a parsed payload. A claim present with the wrong type is refused (a `null`
    /// included), never treated as absent: an issuer that wrote it meant something by it.
    public static func parse(_ json: JSONValue) -> Result<TokenClaims, TokenError> {
        guard case .object = json else { return .failure(.payloadNotObject) }
        do throws(TokenError) {
            guard let exp = try time(json, "exp") else { throw .missingExpiry }
            return .success(
                TokenClaims(
                    subject: try string(json, "sub"), sessionID: try string(json, "sid"),
                    role: try string(json, "role"),
                    expiresAt: exp, issuedAt: try time(json, "iat"), notBefore: try time(json, "nbf"),
                    issuer: try string(json, "iss"), audience: try audience(json), tokenID: try string(json, "jti"),
                    publish: try strings(json, "publ"), subscribe: try strings(json, "subs")))
        } catch {
            return .failure(error)
        }
    }

    private static func string(_ json: JSONValue, _ name: String) throws(TokenError) -> String? {
        guard let value = json[name] else { return nil }
        guard case .string(let text) = value else { throw .claimWrongType(name) }
        return text
    }

    private static func strings(_ json: JSONValue, _ name: String) throws(TokenError) -> [String]? {
        guard let value = json[name] else { return nil }
        guard case .array(let elements) = value else { throw .claimWrongType(name) }
        var texts: [String] = []
        for element in elements {
            guard case .string(let text) = element else { throw .claimWrongType(name) }
            texts.append(text)
        }
        return texts
    }

    private static func audience(_ json: JSONValue) throws(TokenError) -> [String] {
        if case .string(let single)? = json["aud"] { return [single] }
        return try strings(json, "aud") ?? []
    }

    /// A NumericDate (RFC 7519 §2): seconds since the epoch, an integer or a finite double floored.
    private static func time(_ json: JSONValue, _ name: String) throws(TokenError) -> Int64? {
        switch json[name] {
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
