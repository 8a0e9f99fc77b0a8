// libFuzzer target: the token front end (CompactJWS, StrictJSONParser, JOSEHeader, TokenClaims).
// Compiled by scripts/fuzz.sh in ONE module with Sources/SessionAuthCore/*.swift (hence no import);
// test tooling only, never linked into the plugin. A failed invariant calls fatalError, which
// libFuzzer reports as a crash with the input that caused it.
//
// Each input is used three ways:
//   1. as a compact JWS, raw: CompactJWS.parse(bytes);
//   2. as JSON: StrictJSONParser.parse(bytes), then TokenClaims and JOSEHeader of the value;
//   3. split at its first NUL into header JSON and payload, base64url-encoded into a token, so the
//      JSON layer is reached through CompactJWS too (raw mutations rarely survive base64url).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    rawToken(bytes)
    json(bytes)
    builtToken(bytes)
    return 0
}

private func invariant(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant: \(message())") }
}

private func rawToken(_ bytes: [UInt8]) {
    guard case .success(let jws) = CompactJWS.parse(bytes) else { return }
    // Success means exactly two dots, and the signing input is the text before the second one.
    let dots = bytes.indices.filter { bytes[$0] == UInt8(ascii: ".") }
    invariant(dots.count == 2, "parsed a token with \(dots.count) dots")
    invariant(jws.signingInput == Array(bytes[..<dots[1]]), "signing input is not the first two segments")
    // Each segment is canonical base64url: re-encoding the decoded bytes gives the text back.
    invariant(
        Base64URL.encode(jws.payload).utf8.elementsEqual(bytes[(dots[0] + 1)..<dots[1]]),
        "payload segment is not the canonical spelling of the payload")
    invariant(
        Base64URL.encode(jws.signature).utf8.elementsEqual(bytes[(dots[1] + 1)...]),
        "signature segment is not the canonical spelling of the signature")
    _ = TokenClaims.parse(payload: jws.payload)
}

private func json(_ bytes: [UInt8]) {
    let result = StrictJSONParser.parse(bytes)
    let parsed: JSONValue
    switch result {
    case .success(let value):
        parsed = value
    case .failure(.tooDeep):
        // The deepest nesting any caller may ask for: recursion in parsing, comparing and freeing.
        guard case .success(let value) = StrictJSONParser.parse(bytes, maxDepth: .max) else { return }
        parsed = value
    case .failure:
        // The parser refuses invalid UTF-8 first; valid UTF-8 is never refused for its encoding.
        return
    }
    invariant(StrictJSONParser.isValidUTF8(bytes), "parsed JSON that is not valid UTF-8")
    invariant(String(validating: bytes, as: UTF8.self) != nil, "stdlib disagrees: input is not valid UTF-8")
    invariant(parsed == parsed, "a parsed value is not equal to itself")

    let claims = TokenClaims.parse(parsed)
    if case .success = result {
        // Parsing the payload bytes must read the same claims as parsing the value.
        invariant(TokenClaims.parse(payload: bytes) == claims, "TokenClaims.parse(payload:) disagrees")
    }
    if case .success(let c) = claims {
        invariant(parsed["exp"] != nil, "claims without exp")
        if parsed["aud"] == nil { invariant(c.audience.isEmpty, "audience without aud") }
    }
    if case .success(let header) = JOSEHeader.parse(parsed) {
        guard case .string(let alg)? = parsed["alg"] else { fatalError("invariant: header without string alg") }
        invariant(header.algorithm.rawValue.utf8.elementsEqual(alg.utf8), "algorithm is not the alg member")
        invariant((header.keyID?.utf8.count ?? 0) <= JOSEHeader.maxKeyIDLength, "kid over the cap")
        for refused in JOSEHeader.refusedMembers { invariant(parsed[refused] == nil, "accepted \(refused)") }
    }
}

private func builtToken(_ bytes: [UInt8]) {
    let headerBytes: [UInt8]
    let payloadBytes: [UInt8]
    if let nul = bytes.firstIndex(of: 0) {
        headerBytes = Array(bytes[..<nul])
        payloadBytes = Array(bytes[(nul + 1)...])
    } else {
        headerBytes = bytes
        payloadBytes = Array(#"{"exp":1}"#.utf8)
    }
    let signature: [UInt8] = [0x5a]
    let token = Array(
        (Base64URL.encode(headerBytes) + "." + Base64URL.encode(payloadBytes) + "." + Base64URL.encode(signature)).utf8)
    // Base64url round trip on arbitrary bytes.
    invariant(Base64URL.decode(Base64URL.encode(bytes).utf8) == bytes, "base64url does not round-trip")

    let parsed = CompactJWS.parse(token)
    // What CompactJWS must decide, worked out from the parts.
    var expected: JOSEHeader? = nil
    if token.count <= CompactJWS.defaultMaxLength, !headerBytes.isEmpty, !payloadBytes.isEmpty,
        case .success(let value) = StrictJSONParser.parse(headerBytes),
        case .success(let header) = JOSEHeader.parse(value)
    {
        expected = header
    }
    switch parsed {
    case .success(let jws):
        invariant(expected == jws.header, "CompactJWS accepted a token its parts refuse, or read another header")
        invariant(jws.payload == payloadBytes, "payload does not round-trip")
        invariant(jws.signature == signature, "signature does not round-trip")
        let secondDot = token.lastIndex(of: UInt8(ascii: "."))!
        invariant(jws.signingInput == Array(token[..<secondDot]), "signing input")
    case .failure:
        invariant(expected == nil, "CompactJWS refused a token whose parts are fine")
    }
}
