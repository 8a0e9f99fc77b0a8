// libFuzzer target: the option and small text parsers (PluginOptions, TopicRootTemplate,
// DurationParser, PinCredential, IdentityRules, Base64URL).
// Compiled by scripts/fuzz.sh in ONE module with Sources/SessionAuthCore/*.swift (hence no import);
// test tooling only, never linked into the plugin. A failed invariant calls fatalError.
//
// The input is split into lines at '\n' and each line into key and value at its first '='; the pairs
// go to PluginOptions, and every value (as text and as bytes) to each of the other parsers.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    var pairs: [(key: String, value: String)] = []
    var values: [ArraySlice<UInt8>] = []
    for line in lines {
        if let equals = line.firstIndex(of: UInt8(ascii: "=")) {
            pairs.append((String(decoding: line[..<equals], as: UTF8.self),
                          String(decoding: line[(equals + 1)...], as: UTF8.self)))
            values.append(line[(equals + 1)...])
        } else {
            pairs.append((String(decoding: line, as: UTF8.self), ""))
        }
        values.append(line)
    }
    checkOptions(pairs)
    for value in values { checkValue(value) }
    return 0
}

private func invariant(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant: \(message())") }
}

private func checkOptions(_ pairs: [(key: String, value: String)]) {
    guard let options = try? PluginOptions(pairs) else { return }
    invariant(Set(pairs.map(\.key)).count == pairs.count, "options with a duplicate key accepted")
    for (key, value) in pairs {
        switch key {
        case "db_path": invariant(options.databasePath == value && !value.isEmpty, "db_path")
        case "topic_root": invariant(options.topicRoot.template == value, "topic_root")
        case "pin_login": invariant(options.pinLogin == (value == "true"), "pin_login")
        case "max_identity_length":
            invariant(IdentityRules.maxLengthRange.contains(options.maxIdentityLength), "max_identity_length")
            invariant(String(options.maxIdentityLength) == value.drop(while: { $0 == "0" }), "max_identity_length")
        case "clientid_policy": invariant(options.clientIDPolicy.rawValue == value, "clientid_policy")
        case "unknown_users": invariant(options.unknownUsers.rawValue == value, "unknown_users")
        case "pin_max_failures": invariant((1...1000).contains(options.pinLockout.maxFailures), "pin_max_failures")
        case "pin_failure_window": invariant((1...86_400).contains(options.pinLockout.window), "pin_failure_window")
        case "pin_lockout": invariant((1...7 * 86_400).contains(options.pinLockout.lockSeconds), "pin_lockout")
        case "jwt_keys": invariant(options.jwtKeys == value && !value.isEmpty, "jwt_keys")
        case "jwt_algorithms":
            // Only exact names, and never `none` (it is no JWSAlgorithm at all).
            invariant(!options.jwtAlgorithms.isEmpty, "jwt_algorithms empty")
            let names = value.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
                .map { String(decoding: $0.drop { $0 == 0x20 }.reversed().drop { $0 == 0x20 }.reversed(), as: UTF8.self) }
            invariant(Set(options.jwtAlgorithms.map(\.rawValue)) == Set(names), "jwt_algorithms '\(value)'")
        case "jwt_issuer": invariant(options.jwtIssuer == value && !value.isEmpty, "jwt_issuer")
        case "jwt_audience": invariant(options.jwtAudience == value && !value.isEmpty, "jwt_audience")
        case "jwt_leeway": invariant(ClaimsPolicy.leewayRange.contains(options.jwtLeeway), "jwt_leeway")
        case "disconnect_on_expiry": invariant(options.disconnectOnExpiry == (value == "true"), "disconnect_on_expiry")
        default: fatalError("invariant: unknown option '\(key)' accepted")
        }
    }
}

private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

private func checkValue(_ bytes: ArraySlice<UInt8>) {
    let text = String(decoding: bytes, as: UTF8.self)

    if let template = try? TopicRootTemplate(text) {
        invariant(template.template == text && text.utf8.count <= 256, "template")
        let root = template.root(forSession: "s1")
        invariant(root.utf8.last == UInt8(ascii: "/"), "root '\(root)' does not end with '/'")
        invariant(root.utf8.first != UInt8(ascii: "$"), "root '\(root)' starts with '$'")
        invariant(!root.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") || $0 == 0 }),
                  "root '\(root)' has a wildcard or NUL")
        // As bytes: String's hasPrefix/contains compare characters, and a grapheme cluster may span a '/'.
        let rootBytes = Array(root.utf8)
        let level = Array("/s1/".utf8)
        invariant(rootBytes.starts(with: level.dropFirst()) || rootBytes.indices.contains {
            rootBytes[$0...].starts(with: level)
        }, "root '\(root)': the session is not a whole level")
        invariant(TopicFilter(root + "#") != nil, "root '\(root)' + '#' is no filter")
    }

    if let seconds = DurationParser.seconds(text) {
        invariant(seconds >= 1 && seconds <= DurationParser.maxSeconds, "duration \(seconds) out of range")
        if bytes.allSatisfy(isDigit) { invariant(Int64(text) == seconds, "plain seconds misread") }
    } else if !bytes.isEmpty, bytes.count <= 12, bytes.allSatisfy(isDigit), let n = Int64(text), n >= 1,
        n <= DurationParser.maxSeconds
    {
        fatalError("invariant: duration '\(text)' refused")
    }

    if let credential = PinCredential(password: bytes) {
        invariant(credential.sessionID + [UInt8(ascii: ":")] + credential.pin == Array(bytes), "pin split")
        invariant(!credential.pin.contains(UInt8(ascii: ":")), "pin with ':'")
        invariant(!credential.sessionID.isEmpty && (1...PinCredential.maxPinLength).contains(credential.pin.count),
                  "pin lengths")
    }

    let maxLength = Int(bytes.first ?? 1) * 4 + 1  // 1...1021, inside IdentityRules.maxLengthRange
    for rules in [IdentityRules(), IdentityRules(maxLength: maxLength)] {
        let violation = rules.violation(in: bytes)
        let fine = !bytes.isEmpty && bytes.count <= rules.maxLength && bytes.allSatisfy(IdentityRules.isAllowed)
        invariant((violation == nil) == fine, "identity verdict \(String(describing: violation)) for \(Array(bytes))")
        if case .forbiddenCharacter(let position) = violation {
            invariant(!IdentityRules.isAllowed(bytes[bytes.startIndex + position]), "wrong position")
        }
        _ = violation?.description
    }

    if let decoded = Base64URL.decode(bytes) {
        invariant(Base64URL.encode(decoded).utf8.elementsEqual(bytes), "base64url: not the canonical spelling")
        invariant(decoded.count == bytes.count * 3 / 4, "base64url: decoded length")
    }
    invariant(Base64URL.decode(Base64URL.encode(bytes).utf8) == Array(bytes), "base64url round trip")
}
