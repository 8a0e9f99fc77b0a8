/// A JWKS (RFC 7517 §5) of the published keys, as jwks.json holds it: `{"keys":[…]}` and a newline.
public struct PublicKeySet: Sendable {
    public let bytes: [UInt8]
    public let keyIDs: [String]
    /// The HMAC keys in the set: their `k` is the secret itself, so the file is a secret too.
    public let secretKeyIDs: [String]

    public var holdsSecret: Bool { !secretKeyIDs.isEmpty }

    /// 0644 for public keys only (anyone may verify); 0640 once a secret is in it, so only the owner
    /// and the group — which must be the broker's — can read it.
    public var fileMode: UInt32 { holdsSecret ? 0o640 : 0o644 }

    /// What to tell the operator after writing the set to `path`, nil when it holds no secret.
    public func warning(path: String) -> String? {
        guard holdsSecret else { return nil }
        let keys = secretKeyIDs.joined(separator: ", ")
        return "\(path) holds the HMAC secret of \(keys), so it is mode 0640: give its group to the broker's "
            + "user (chgrp mosquitto \(path)) and never publish it; an asymmetric key (ES256, EdDSA) avoids this"
    }

    init(_ entries: [KeyManifest.Entry]) {
        let document = CompactJSON.object([("keys", .array(entries.map(\.jwkObject)))])
        bytes = document.bytes + [UInt8(ascii: "\n")]
        keyIDs = entries.map(\.record.keyID)
        secretKeyIDs = entries.filter { $0.record.algorithm.keyFamily == .hmac }.map(\.record.keyID)
    }
}
