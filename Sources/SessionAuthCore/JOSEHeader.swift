/// The protected header of a compact JWS (RFC 7515 §4.1), reduced to what the plugin acts on.
public struct JOSEHeader: Equatable, Sendable {
    public let algorithm: JWSAlgorithm
    /// Only ever a key to look up among the configured keys; a token never brings its own key.
    public let keyID: String?
    public let type: String?

    /// The longest `kid` looked up. Real key ids are short (thumbprints are 43 bytes); a long one is garbage.
    public static let maxKeyIDLength = 256

    /// Header members refused outright. `jwk`, `jku`, `x5u`, `x5c` would have the token name its own key
    /// or a URL to fetch one from (the classic "embedded key" forgery); `x5t`/`x5t#S256` select a key by
    /// certificate, which the plugin has no way to honour; `crit` lists extensions a verifier must
    /// understand (RFC 7515 §4.1.11) and this one understands none; `b64` (RFC 7797) and `zip` change
    /// how the payload is encoded, and a JWS verifier that ignored them would read other claims than were signed.
    public static let refusedMembers = ["crit", "jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "b64", "zip"]

    /// Whether a byte is the first of some refused member's name, by byte value.
    private static let startsARefusedName: [Bool] = (0...255).map { byte in
        refusedMembers.contains { $0.utf8.first == UInt8(byte) }
    }

    public init(algorithm: JWSAlgorithm, keyID: String? = nil, type: String? = nil) {
        self.algorithm = algorithm
        self.keyID = keyID
        self.type = type
    }

    /// Reads a header from its decoded bytes, member by member as the parser reads them (no tree).
    public static func parse(bytes: [UInt8]) -> Result<JOSEHeader, TokenError> {
        var found = Members()
        switch StrictJSONParser.forEachMember(of: bytes, { found.take($1, named: $0.span) }) {
        case .failure(let error): return .failure(.headerNotJSON(error))
        case .success(false): return .failure(.headerNotObject)
        case .success(true): return header(found)
        }
    }

    /// Reads a header already parsed as JSON. Members other than `alg`, `kid`, `typ` and the refused
    /// ones are ignored, as RFC 7515 §4 allows for members that are not critical.
    public static func parse(_ json: JSONValue) -> Result<JOSEHeader, TokenError> {
        guard case .object(let members) = json else { return .failure(.headerNotObject) }
        var found = Members()
        for index in members.indices {
            found.take(members[index].1, named: members[index].0.utf8.span)
        }
        return header(found)
    }

    /// The members a header is judged by; the parser has refused repeated names.
    private struct Members {
        var alg, kid, typ: JSONValue?
        /// The first refused member in document order.
        var refused: String?

        private static let keys = (alg: ShortName.key("alg"), kid: ShortName.key("kid"), typ: ShortName.key("typ"))

        mutating func take(_ value: JSONValue, named name: Span<UInt8>) {
            switch ShortName.key(name) {
            case Self.keys.alg?: alg = value
            case Self.keys.kid?: kid = value
            case Self.keys.typ?: typ = value
            default: break
            }
            // Most headers hold only `alg`, `kid` and `typ`; no refused name starts with their letters.
            guard refused == nil, !name.isEmpty, startsARefusedName[Int(name[0])] else { return }
            refused = refusedMembers.first { $0.hasSameBytes(as: name) }
        }
    }

    private static func header(_ found: Members) -> Result<JOSEHeader, TokenError> {
        guard let algValue = found.alg else { return .failure(.missingAlgorithm) }
        guard case .string(let alg) = algValue else { return .failure(.headerMemberNotString("alg")) }
        // Compared as bytes: String `==` is canonical equivalence, and "alg" must be exactly one name.
        guard let algorithm = JWSAlgorithm(headerValue: alg) else { return .failure(.unsupportedAlgorithm(alg)) }
        if let refused = found.refused { return .failure(.refusedHeaderMember(refused)) }

        var keyID: String? = nil
        if let kidValue = found.kid {
            guard case .string(let kid) = kidValue else { return .failure(.headerMemberNotString("kid")) }
            guard kid.utf8.count <= maxKeyIDLength else { return .failure(.keyIDTooLong(limit: maxKeyIDLength)) }
            keyID = kid
        }
        var type: String? = nil
        if let typValue = found.typ {
            guard case .string(let typ) = typValue else { return .failure(.headerMemberNotString("typ")) }
            type = typ
        }
        return .success(JOSEHeader(algorithm: algorithm, keyID: keyID, type: type))
    }
}
