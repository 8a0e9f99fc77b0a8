import SessionAuthCore
import SessionAuthCrypto

/// Builds compact JWS tokens (RFC 7515 §7.1) that the plugin's `TokenVerifier` accepts: header
/// `{"alg":…,"typ":"JWT","kid":…}`, the request's claims as the payload, the key's signature.
public enum TokenIssuer {
    /// A signed token for `request`. The request is checked first (non-empty names, a positive
    /// lifetime, valid topic filters) and the result must fit the plugin's size cap: a token the plugin
    /// would refuse is an error here, not a surprise at CONNECT.
    public static func issue(_ request: TokenRequest, with key: SigningKey) throws(TokenIssueError) -> String {
        try check(request)
        let header = CompactJSON.object([
            ("alg", .string(key.algorithm.rawValue)), ("typ", .string("JWT")), ("kid", .string(key.keyID)),
        ])
        let signingInput = Base64URL.encode(header.bytes) + "." + Base64URL.encode(payload(request).bytes)
        let signature: [UInt8]
        do {
            signature = try key.sign(signingInput: Array(signingInput.utf8))
        } catch {
            throw .signingFailed(keyID: key.keyID, error)
        }
        let token = signingInput + "." + Base64URL.encode(signature)
        guard token.utf8.count <= CompactJWS.defaultMaxLength else {
            throw .tooLong(length: token.utf8.count, limit: CompactJWS.defaultMaxLength)
        }
        return token
    }

    /// A new `jti`: 128 bits from OpenSSL's CSPRNG, base64url (22 characters), so ids never repeat
    /// and cannot be guessed to revoke someone else's token.
    ///
    /// Throws if the CSPRNG fails: there is no safe weaker fallback.
    public static func newTokenID() throws(TokenIssueError) -> String {
        guard let bytes = SecureRandom.bytes(16) else { throw .randomUnavailable }
        return Base64URL.encode(bytes)
    }

    /// The payload, members in a fixed order so the same request always gives the same bytes.
    static func payload(_ request: TokenRequest) -> CompactJSON {
        var members: [(String, CompactJSON)] = [("sub", .string(request.subject))]
        if let sessionID = request.sessionID { members.append(("sid", .string(sessionID))) }
        members.append(("role", .string(request.role)))
        if let issuer = request.issuer { members.append(("iss", .string(issuer))) }
        if let audience = request.audience { members.append(("aud", .string(audience))) }
        members.append(("iat", .integer(request.issuedAt)))
        if let notBefore = request.notBefore { members.append(("nbf", .integer(notBefore))) }
        members.append(("exp", .integer(request.expiresAt)))
        members.append(("jti", .string(request.tokenID)))
        if let publish = request.publish { members.append(("publ", .array(publish.map(CompactJSON.string)))) }
        if let subscribe = request.subscribe { members.append(("subs", .array(subscribe.map(CompactJSON.string)))) }
        return .object(members)
    }

    private static func check(_ request: TokenRequest) throws(TokenIssueError) {
        let named: [(String, String?)] = [
            ("sub", request.subject), ("sid", request.sessionID), ("role", request.role), ("jti", request.tokenID),
            ("iss", request.issuer), ("aud", request.audience),
        ]
        for case (let name, let value?) in named where value.isEmpty {
            throw .emptyClaim(name)
        }
        guard request.expiresAt > request.issuedAt else {
            throw .expiryNotAfterIssue(issuedAt: request.issuedAt, expiresAt: request.expiresAt)
        }
        if let notBefore = request.notBefore, notBefore >= request.expiresAt {
            throw .notBeforeAfterExpiry(notBefore: notBefore, expiresAt: request.expiresAt)
        }
        for (claim, filters) in [("publ", request.publish), ("subs", request.subscribe)] {
            for filter in filters ?? [] where TopicFilter(filter) == nil {
                throw .invalidTopicFilter(claim: claim, filter: filter)
            }
        }
    }
}
