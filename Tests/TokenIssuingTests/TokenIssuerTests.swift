import SessionAuthCore
import Testing
import TokenIssuing

@Suite struct TokenIssuerTests {
    static let key: SigningKey? = try? SigningKey.generate(.es256, keyID: "es256-test")

    private func issue(_ request: TokenRequest) throws -> String {
        guard let key = Self.key else { throw FixtureError("no key") }
        return try TokenIssuer.issue(request, with: key)
    }

    @Test func headerAndPayloadAreCompactAndInAFixedOrder() throws {
        let request = TokenRequest(
            subject: "dev1", sessionID: "s1", role: "device", issuedAt: 100, expiresAt: 200, tokenID: "j1",
            notBefore: 90, issuer: "i", audience: "a", publish: ["s1/a"], subscribe: ["s1/#"])
        let parts = try issue(request).split(separator: ".").map {
            String(decoding: Base64URL.decode($0.utf8) ?? [], as: UTF8.self)
        }
        #expect(parts[0] == #"{"alg":"ES256","typ":"JWT","kid":"es256-test"}"#)
        #expect(
            parts[1]
                == #"{"sub":"dev1","sid":"s1","role":"device","iss":"i","aud":"a","iat":100,"nbf":90,"exp":200,"jti":"j1","publ":["s1/a"],"subs":["s1/#"]}"#
        )
    }

    @Test func minimalRequestCarriesOnlyTheRequiredClaims() throws {
        let request = TokenRequest(subject: "s1", role: "device", issuedAt: 1, expiresAt: 2, tokenID: "j")
        let payload = try issue(request).split(separator: ".")[1]
        #expect(
            String(decoding: Base64URL.decode(payload.utf8) ?? [], as: UTF8.self)
                == #"{"sub":"s1","role":"device","iat":1,"exp":2,"jti":"j"}"#)
    }

    @Test(arguments: [
        (
            TokenRequest(subject: "", role: "r", issuedAt: 1, expiresAt: 2, tokenID: "j"),
            TokenIssueError.emptyClaim("sub")
        ),
        (TokenRequest(subject: "d", role: "", issuedAt: 1, expiresAt: 2, tokenID: "j"), .emptyClaim("role")),
        (TokenRequest(subject: "d", role: "r", issuedAt: 1, expiresAt: 2, tokenID: ""), .emptyClaim("jti")),
        (
            TokenRequest(subject: "d", sessionID: "", role: "r", issuedAt: 1, expiresAt: 2, tokenID: "j"),
            .emptyClaim("sid")
        ),
        (
            TokenRequest(subject: "d", role: "r", issuedAt: 5, expiresAt: 5, tokenID: "j"),
            .expiryNotAfterIssue(issuedAt: 5, expiresAt: 5)
        ),
        (
            TokenRequest(subject: "d", role: "r", issuedAt: 1, expiresAt: 5, tokenID: "j", notBefore: 5),
            .notBeforeAfterExpiry(notBefore: 5, expiresAt: 5)
        ),
        (
            TokenRequest(subject: "d", role: "r", issuedAt: 1, expiresAt: 5, tokenID: "j", publish: ["a/#/b"]),
            .invalidTopicFilter(claim: "publ", filter: "a/#/b")
        ),
        (
            TokenRequest(subject: "d", role: "r", issuedAt: 1, expiresAt: 5, tokenID: "j", subscribe: ["a+"]),
            .invalidTopicFilter(claim: "subs", filter: "a+")
        ),
    ])
    func badRequestsAreRefusedBeforeSigning(request: TokenRequest, error: TokenIssueError) throws {
        #expect(throws: error) { try issue(request) }
    }

    @Test func aTokenOverThePluginsSizeCapIsRefused() throws {
        let filters = (0..<400).map { "s1/dt/device-\($0)/#" }
        let request = TokenRequest(
            subject: "d", role: "r", issuedAt: 1, expiresAt: 5, tokenID: "j", publish: filters)
        #expect {
            try issue(request)
        } throws: { error in
            guard case TokenIssueError.tooLong(_, let limit) = error else { return false }
            return limit == CompactJWS.defaultMaxLength
        }
    }

    @Test func tokenIDsAre128RandomBits() throws {
        let ids = try (0..<1000).map { _ in try TokenIssuer.newTokenID() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.utf8.count == 22 && Base64URL.decode($0.utf8)?.count == 16 })
    }
}
