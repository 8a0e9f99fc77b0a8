import SessionAuthCore

/// The keys directory's record of its keys, `private/manifest.json`:
///
///     {"format":1,"keys":[{"kid":"es256-20250101-Ab3_x9","alg":"ES256","created_at":1735689600,
///                          "active":true,"retired_at":null,"jwk":{"kty":"EC","kid":…,"x":…,"y":…}}, …]}
///
/// Keys in the order they were made. Retired keys stay listed (with the time), so a kid is never reused.
/// Each entry keeps the public JWK published for the key, so jwks.json is rebuilt from the manifest alone:
/// a lost or damaged private key file stops that key from signing, never the rotation away from it.
/// Read strictly: a manifest that breaks a rule (two active keys, an unknown algorithm, a kid that is
/// not a plain file name, a JWK of another kid) is refused as damaged rather than guessed at.
struct KeyManifest {
    struct Entry {
        var record: KeyRecord
        /// Members in the order `SigningKey.publicJWKMembers` gives them.
        let publicJWK: [(name: String, value: String)]

        var jwkObject: CompactJSON { .object(publicJWK.map { ($0.name, .string($0.value)) }) }
    }

    static let format: Int64 = 1
    static let maxBytes = 1 << 20

    var entries: [Entry]

    var records: [KeyRecord] { entries.map(\.record) }
    var active: Entry? { entries.first { $0.record.isActive } }
    var published: [Entry] { entries.filter { $0.record.isPublished } }

    func index(of keyID: String) -> Int? {
        entries.firstIndex { $0.record.keyID.utf8.elementsEqual(keyID.utf8) }
    }

    var json: CompactJSON {
        .object([
            ("format", .integer(Self.format)),
            (
                "keys",
                .array(
                    entries.map { entry in
                        let record = entry.record
                        return .object([
                            ("kid", .string(record.keyID)), ("alg", .string(record.algorithm.rawValue)),
                            ("created_at", .integer(record.createdAt)), ("active", .bool(record.isActive)),
                            ("retired_at", record.retiredAt.map(CompactJSON.integer) ?? .null),
                            ("jwk", entry.jwkObject),
                        ])
                    })
            ),
        ])
    }

    /// Only a letter, digit, `-` or `_`, at most 64 of them: a kid names a file in `private/`, so it
    /// must never hold a `/` or be `..`, whatever was written into the manifest.
    static func isValidKeyID(_ keyID: String) -> Bool {
        let bytes = keyID.utf8
        return (1...64).contains(bytes.count)
            && bytes.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            }
    }

    static func parse(_ bytes: [UInt8], path: String) throws(KeyRingError) -> KeyManifest {
        func damaged(_ reason: String) -> KeyRingError { .manifestCorrupt(path: path, reason: reason) }
        let document: JSONValue
        switch StrictJSONParser.parse(bytes, maxDepth: 4) {
        case .failure(let error): throw damaged("not JSON: \(error)")
        case .success(let value): document = value
        }
        guard case .integer(let format)? = document["format"] else { throw damaged("no \"format\" number") }
        guard format <= Self.format else { throw .manifestTooNew(path: path, format: format) }
        guard format == Self.format else { throw damaged("unknown format \(format)") }
        guard case .array(let values)? = document["keys"] else { throw damaged("no \"keys\" array") }

        var entries: [Entry] = []
        var seen: Set<[UInt8]> = []
        for (index, value) in values.enumerated() {
            let entry = try parseEntry(value, index: index, damaged: damaged)
            guard seen.insert(Array(entry.record.keyID.utf8)).inserted else {
                throw damaged("kid \(entry.record.keyID) appears twice")
            }
            entries.append(entry)
        }
        let activeCount = entries.filter { $0.record.isActive }.count
        guard activeCount <= 1 else { throw damaged("\(activeCount) keys are marked active") }
        guard activeCount == 1 || entries.allSatisfy({ !$0.record.isPublished }) else {
            throw damaged("keys are published but none is marked active")
        }
        return KeyManifest(entries: entries)
    }

    private static func parseEntry(_ value: JSONValue, index: Int, damaged: (String) -> KeyRingError)
        throws(KeyRingError) -> Entry
    {
        guard case .string(let keyID)? = value["kid"], isValidKeyID(keyID) else {
            throw damaged("keys[\(index)] has no valid \"kid\"")
        }
        guard case .string(let name)? = value["alg"],
            let algorithm = JWSAlgorithm.allCases.first(where: { $0.rawValue.utf8.elementsEqual(name.utf8) })
        else { throw damaged("key \(keyID) has no supported \"alg\"") }
        guard case .integer(let createdAt)? = value["created_at"] else {
            throw damaged("key \(keyID) has no \"created_at\" number")
        }
        guard case .bool(let active)? = value["active"] else { throw damaged("key \(keyID) has no \"active\"") }
        let retiredAt: Int64?
        switch value["retired_at"] {
        case .integer(let time)?: retiredAt = time
        case .null?, nil: retiredAt = nil
        default: throw damaged("key \(keyID) has a \"retired_at\" that is not a number")
        }
        guard !(active && retiredAt != nil) else { throw damaged("key \(keyID) is both active and retired") }

        guard case .object(let members)? = value["jwk"] else { throw damaged("key \(keyID) has no \"jwk\" object") }
        var jwk: [(name: String, value: String)] = []
        for (member, memberValue) in members {
            guard case .string(let text) = memberValue else {
                throw damaged("key \(keyID): jwk.\(member) is not a string")
            }
            jwk.append((name: member, value: text))
        }
        // The JWK must be this key's: jwks.json pins each kid to its algorithm.
        guard case .string(let jwkKeyID)? = value["jwk"]?["kid"], jwkKeyID.utf8.elementsEqual(keyID.utf8),
            case .string(let jwkAlgorithm)? = value["jwk"]?["alg"], jwkAlgorithm.utf8.elementsEqual(name.utf8)
        else { throw damaged("key \(keyID): its jwk names another kid or alg") }

        let record = KeyRecord(
            keyID: keyID, algorithm: algorithm, createdAt: createdAt, isActive: active, retiredAt: retiredAt)
        return Entry(record: record, publicJWK: jwk)
    }
}
