import SessionAuthCore

/// Reads a JWK Set (RFC 7517 §5) of verification keys: RSA (`n`, `e`), EC P-256/P-384 (`x`, `y`),
/// OKP Ed25519 (`x`) and oct (`k`), each component strict base64url.
///
/// All or nothing: one bad entry refuses the whole set, so a typo never silently drops a key the
/// operator believes is in use. Members the plugin does not act on (`x5c`, `key_ops`, ...) are
/// ignored, as RFC 7517 §4 asks.
public enum JWKSet {
    /// RFC 7518 §6.2.2 and §6.3.2 (and `d` of RFC 8037 §2). A public JWKS is often served to anyone;
    /// an entry holding these is a leaked private key, and using it quietly would hide the leak.
    static let privateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth"]

    public static func keys(fromJSON bytes: [UInt8]) -> Result<[ConfiguredKey], KeySetError> {
        let document: JSONValue
        switch StrictJSONParser.parse(bytes) {
        case .failure(let error): return .failure(.notJSON(error))
        case .success(let json): document = json
        }
        guard case .object = document else { return .failure(.notAnObject) }
        guard case .array(let entries)? = document["keys"] else { return .failure(.missingKeysArray) }
        guard !entries.isEmpty else { return .failure(.emptySet) }

        var keys: [ConfiguredKey] = []
        // Keyed by the kid's bytes: a `String` dictionary key would hash and compare by canonical
        // equivalence, and "K" and the Kelvin sign are two different kids to a token header.
        var firstIndexOfKeyID: [[UInt8]: Int] = [:]
        for (index, json) in entries.enumerated() {
            do throws(KeySetError) {
                let key = try Entry(json: json, index: index).configuredKey()
                if let keyID = key.keyID {
                    if let first = firstIndexOfKeyID[Array(keyID.utf8)] {
                        throw .duplicateKeyID(index: index, keyID: keyID, firstIndex: first)
                    }
                    firstIndexOfKeyID[Array(keyID.utf8)] = index
                }
                keys.append(key)
            } catch {
                return .failure(error)
            }
        }
        return .success(keys)
    }

    /// One member of `keys`, read with its index and kid at hand for the error it may become.
    private struct Entry {
        let json: JSONValue
        let index: Int
        let keyID: String?

        init(json: JSONValue, index: Int) throws(KeySetError) {
            guard case .object = json else { throw .entryNotObject(index: index) }
            self.json = json
            self.index = index
            self.keyID = try Self.keyID(of: json, index: index)
        }

        private static func keyID(of json: JSONValue, index: Int) throws(KeySetError) -> String? {
            guard let kidValue = json["kid"] else { return nil }
            guard case .string(let kid) = kidValue else {
                throw .memberNotString(index: index, keyID: nil, member: "kid")
            }
            guard !kid.utf8.isEmpty else { throw .emptyKeyID(index: index) }
            // A kid no header may carry (JOSEHeader refuses longer ones) would be a key never selected.
            guard kid.utf8.count <= JOSEHeader.maxKeyIDLength else {
                throw .keyIDTooLong(index: index, limit: JOSEHeader.maxKeyIDLength)
            }
            return kid
        }

        func configuredKey() throws(KeySetError) -> ConfiguredKey {
            let keyType = try requiredString("kty")
            let asymmetric = ["RSA", "EC", "OKP"].contains { $0.utf8.elementsEqual(keyType.utf8) }
            guard asymmetric || Self.matches(keyType, "oct") else {
                throw .unsupportedKeyType(index: index, keyID: keyID, keyType: keyType)
            }
            // Before anything is decoded: the refusal must not depend on the rest of the entry being valid.
            if asymmetric, let member = JWKSet.privateMembers.first(where: { json[$0] != nil }) {
                throw .privateMember(index: index, keyID: keyID, member: member)
            }
            // RFC 7517 §4.2: "enc" marks a key for encryption; verifying signatures with it mixes purposes.
            if let use = try optionalString("use"), !Self.matches(use, "sig") {
                throw .unsupportedUse(index: index, keyID: keyID, use: use)
            }
            var algorithm: JWSAlgorithm? = nil
            if let alg = try optionalString("alg") {
                guard let known = JWSAlgorithm.allCases.first(where: { Self.matches($0.rawValue, alg) }) else {
                    throw .unsupportedAlgorithm(index: index, keyID: keyID, algorithm: alg)
                }
                algorithm = known
            }

            let key = try verificationKey(keyType)
            guard let algorithm else { return ConfiguredKey(key) }
            guard let configured = ConfiguredKey(key, algorithm: algorithm) else {
                if algorithm.keyFamily == key.family, let length = key.hmacSecretLength {
                    throw .secretTooShortForAlgorithm(
                        index: index, keyID: keyID, algorithm: algorithm.rawValue, bytes: length)
                }
                throw .algorithmDoesNotFitKey(
                    index: index, keyID: keyID, algorithm: algorithm.rawValue, keyType: keyType)
            }
            return configured
        }

        /// Decodes the members of `keyType` (already one of the four) and builds the key.
        private func verificationKey(_ keyType: String) throws(KeySetError) -> VerificationKey {
            let kid = keyID
            if Self.matches(keyType, "RSA") {
                let n = try bytes("n")
                let e = try bytes("e")
                return try build { () throws(KeyError) in try .rsa(modulus: n, exponent: e, keyID: kid) }
            }
            if Self.matches(keyType, "oct") {
                let k = try bytes("k")
                return try build { () throws(KeyError) in try .hmac(secret: k, keyID: kid) }
            }
            let curve = try requiredString("crv")
            if Self.matches(keyType, "OKP") {
                guard Self.matches(curve, "Ed25519") else {
                    throw .unsupportedCurve(index: index, keyID: keyID, keyType: keyType, curve: curve)
                }
                let x = try bytes("x")
                return try build { () throws(KeyError) in try .ed25519(publicKey: x, keyID: kid) }
            }
            let family: JWSAlgorithm.KeyFamily
            if Self.matches(curve, "P-256") {
                family = .ecP256
            } else if Self.matches(curve, "P-384") {
                family = .ecP384
            } else {
                throw .unsupportedCurve(index: index, keyID: keyID, keyType: keyType, curve: curve)
            }
            let x = try bytes("x")
            let y = try bytes("y")
            return try build { () throws(KeyError) in try .ec(curve: family, x: x, y: y, keyID: kid) }
        }

        private func build(_ make: () throws(KeyError) -> VerificationKey) throws(KeySetError) -> VerificationKey {
            do {
                return try make()
            } catch {
                throw .invalidKey(index: index, keyID: keyID, error)
            }
        }

        private func optionalString(_ member: String) throws(KeySetError) -> String? {
            guard let value = json[member] else { return nil }
            guard case .string(let text) = value else {
                throw .memberNotString(index: index, keyID: keyID, member: member)
            }
            return text
        }

        private func requiredString(_ member: String) throws(KeySetError) -> String {
            guard let text = try optionalString(member) else {
                throw .missingMember(index: index, keyID: keyID, member: member)
            }
            return text
        }

        /// A key component: RFC 7518 §6 spells every one as base64url without padding.
        private func bytes(_ member: String) throws(KeySetError) -> [UInt8] {
            guard let decoded = Base64URL.decode(try requiredString(member).utf8) else {
                throw .invalidBase64(index: index, keyID: keyID, member: member)
            }
            return decoded
        }

        /// Member values are names, compared as bytes (String `==` is Unicode canonical equivalence).
        private static func matches(_ a: String, _ b: String) -> Bool {
            a.utf8.elementsEqual(b.utf8)
        }
    }
}
