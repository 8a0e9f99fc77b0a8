import Foundation
import SessionAuthCore
import SessionAuthCrypto
import TokenIssuing

/// A temporary folder holding a keys directory, removed when the test's suite instance goes away.
final class TemporaryKeysFolder {
    let root: URL
    let ring: KeyRing

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        ring = KeyRing(directory: root.appendingPathComponent("keys").path)
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    /// The keys jwks.json publishes, read the way the plugin reads its key file.
    func publishedKeys() throws -> [ConfiguredKey] {
        let contents = try [UInt8](Data(contentsOf: URL(fileURLWithPath: ring.jwksPath)))
        return try KeyFile.load(contents: contents).get()
    }

    func verifier() throws -> TokenVerifier {
        guard let claims = ClaimsPolicy(leeway: 0, issuer: nil, audience: nil) else { throw FixtureError("policy") }
        return TokenVerifier(
            keys: try publishedKeys(), allowedAlgorithms: Set(JWSAlgorithm.allCases), claims: claims)
    }
}

/// File modes as `ls -l` shows them, for readable expectations.
func mode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    guard let permissions = attributes[.posixPermissions] as? NSNumber else { throw FixtureError("no mode: \(path)") }
    return permissions.intValue & 0o7777
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum Sample {
    static let now: Int64 = Int64(Date().timeIntervalSince1970)

    static func request(sessionID: String? = "s1", publish: [String]? = nil) -> TokenRequest {
        TokenRequest(
            subject: "dev1", sessionID: sessionID, role: "device", issuedAt: now - 5, expiresAt: now + 3600,
            tokenID: "sample-\(UUID().uuidString)", notBefore: now - 5, issuer: "sessionctl", audience: "broker",
            publish: publish, subscribe: publish.map { _ in ["s1/#"] })
    }

    /// The token with one byte of its payload changed (and the change kept valid base64url).
    static func tampered(_ token: String) -> String {
        var parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var payload = Base64URL.decode(parts[1].utf8) ?? []
        // "dev1" -> "dev2": still a well-formed payload, so only the signature can refuse it.
        if let index = payload.firstIndex(of: UInt8(ascii: "1")) { payload[index] = UInt8(ascii: "2") }
        parts[1] = Base64URL.encode(payload)
        return parts.joined(separator: ".")
    }
}
