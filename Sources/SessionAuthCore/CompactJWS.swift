/// A JWS in compact serialization (RFC 7515 §7.1): `BASE64URL(header) . BASE64URL(payload) . BASE64URL(signature)`,
/// split and decoded but not verified. The payload is left as bytes: claims are read only after the
/// signature over `signingInput` has been checked.
public struct CompactJWS: Equatable, Sendable {
    public let header: JOSEHeader
    public let payload: [UInt8]
    /// The first two segments and the '.' between them, exactly as received (RFC 7515 §5.2 step 8):
    /// the signature covers the encoded text, not a re-encoding of the decoded parts.
    public let signingInput: [UInt8]
    public let signature: [UInt8]

    /// The default size cap. Tokens the plugin issues are a few hundred bytes; the cap bounds the work an
    /// unauthenticated client can ask of the broker's single thread before anything is decoded.
    public static let defaultMaxLength = 8192

    public static func parse(
        _ token: some Collection<UInt8>, maxLength: Int = defaultMaxLength
    ) -> Result<CompactJWS, TokenError> {
        // The cap comes first, and costs at most maxLength + 1 steps even on a collection without O(1) count.
        let limit = max(maxLength, 0)
        return parse(bytes: Array(token.prefix(limit < Int.max ? limit + 1 : limit)), maxLength: limit)
    }

    /// Same as `parse(_:maxLength:)` on bytes already in an array: the broker's path, which then takes no
    /// generic detour through another module (that cost ~5,000 instructions per token).
    public static func parse(bytes: [UInt8], maxLength: Int = defaultMaxLength) -> Result<CompactJWS, TokenError> {
        let limit = max(maxLength, 0)
        guard bytes.count <= limit else { return .failure(.tooLong(limit: limit)) }

        // The first two dots and how many there are, in one pass without an array of positions.
        let dot = UInt8(ascii: ".")
        var dotCount = 0
        var firstDot = 0
        var secondDot = 0
        for index in bytes.indices where bytes[index] == dot {
            dotCount += 1
            if dotCount == 1 { firstDot = index } else if dotCount == 2 { secondDot = index }
        }
        guard dotCount == 2 else { return .failure(.wrongSegmentCount(dotCount + 1)) }
        let headerText = bytes[..<firstDot]
        let payloadText = bytes[(firstDot + 1)..<secondDot]
        let signatureText = bytes[(secondDot + 1)...]

        // An empty payload is legal JWS but never a JWT; an empty signature is what `alg: none` produces.
        guard !headerText.isEmpty else { return .failure(.emptySegment(.header)) }
        guard !payloadText.isEmpty else { return .failure(.emptySegment(.payload)) }
        guard !signatureText.isEmpty else { return .failure(.emptySegment(.signature)) }

        guard let headerBytes = Base64URL.decode(headerText.span) else { return .failure(.invalidBase64(.header)) }
        guard let payload = Base64URL.decode(payloadText.span) else { return .failure(.invalidBase64(.payload)) }
        guard let signature = Base64URL.decode(signatureText.span) else { return .failure(.invalidBase64(.signature)) }

        let header: JOSEHeader
        switch JOSEHeader.parse(bytes: headerBytes) {
        case .failure(let error): return .failure(error)
        case .success(let parsed): header = parsed
        }
        return .success(
            CompactJWS(header: header, payload: payload, signingInput: Array(bytes[..<secondDot]), signature: signature)
        )
    }
}
