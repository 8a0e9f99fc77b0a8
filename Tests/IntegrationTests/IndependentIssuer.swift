import Foundation

/// Tokens made by an independent, widely used JWT library (PyJWT, Debian's python3-jwt, with
/// python3-cryptography), so the plugin is shown to accept standard tokens and not only sessionctl's.
/// Keys are generated once per issuer in its folder; `jwksPath` is the public JWKS for `jwt_keys`.
final class IndependentIssuer {
    /// Debian's interpreter, where apt installed python3-jwt (a pyenv `python3` on PATH would lack it).
    static let python = "/usr/bin/python3"
    static let algorithms = ["ES256", "EdDSA", "RS256", "PS256", "HS256"]

    let directory: URL
    var jwksPath: String { directory.appendingPathComponent("jwks.json").path }

    /// - Parameter name: a kid prefix, so two issuers' keys never share a kid.
    init(name: String = "py") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("issuer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.script.write(to: directory.appendingPathComponent("issuer.py"), atomically: true, encoding: .utf8)
        _ = try run(["keys", name])
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// A token for `claims`, signed with this issuer's key for `algorithm` (its kid in the header
    /// unless `kid` is given; "" leaves the kid out).
    func token(_ claims: [String: Any], algorithm: String = "ES256", kid: String? = nil) throws -> String {
        var request: [String: Any] = ["alg": algorithm, "claims": claims]
        if let kid { request["kid"] = kid }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self)
        let token = try run(["sign", json]).trimmingCharacters(in: .whitespacesAndNewlines)
        IssuedSecrets.token(token)
        return token
    }

    /// The kid this issuer gave its key for `algorithm`.
    func keyID(_ algorithm: String) throws -> String {
        try run(["kid", algorithm]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func run(_ arguments: [String]) throws -> String {
        let result = try Subprocess.run(
            Self.python, [directory.appendingPathComponent("issuer.py").path, directory.path] + arguments)
        guard result.status == 0 else {
            throw HarnessError("PyJWT issuer failed (is python3-jwt installed? `make deps`): \(result.stderr)")
        }
        return result.stdout
    }

    /// Standard claims for a session member, valid from a minute ago for ten minutes.
    static func claims(
        sub: String, sid: String?, role: String? = nil, jti: String = UUID().uuidString, lifetime: Int = 600,
        extra: [String: Any] = [:]
    ) -> [String: Any] {
        let now = Int(Date().timeIntervalSince1970)
        var claims: [String: Any] = ["sub": sub, "iat": now - 60, "exp": now + lifetime, "jti": jti]
        if let sid { claims["sid"] = sid }
        if let role { claims["role"] = role }
        return claims.merging(extra) { _, new in new }
    }

    private static let script = #"""
        import base64, json, os, sys
        import jwt
        from jwt.algorithms import ECAlgorithm, HMACAlgorithm, OKPAlgorithm, RSAAlgorithm
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

        folder, command = sys.argv[1], sys.argv[2]
        state_path = os.path.join(folder, "keys.json")

        def pem(key):
            return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()).decode()

        if command == "keys":
            name = sys.argv[3]
            rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            keys = {
                "ES256": pem(ec.generate_private_key(ec.SECP256R1())),
                "EdDSA": pem(ed25519.Ed25519PrivateKey.generate()),
                "RS256": pem(rsa_key),
                "PS256": pem(rsa_key),
                "HS256": base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("="),
            }
            kids = {alg: "%s-%s" % (name, alg.lower()) for alg in keys}
            entries = []
            for alg, private in keys.items():
                if alg == "HS256":
                    secret = base64.urlsafe_b64decode(private + "==")
                    entry = json.loads(HMACAlgorithm.to_jwk(secret))
                else:
                    public = serialization.load_pem_private_key(private.encode(), None).public_key()
                    kind = {"ES256": ECAlgorithm, "EdDSA": OKPAlgorithm}.get(alg, RSAAlgorithm)
                    entry = json.loads(kind.to_jwk(public))
                entry.update({"kid": kids[alg], "alg": alg, "use": "sig"})
                entries.append(entry)
            json.dump({"keys": keys, "kids": kids}, open(state_path, "w"))
            json.dump({"keys": entries}, open(os.path.join(folder, "jwks.json"), "w"))
        elif command == "kid":
            print(json.load(open(state_path))["kids"][sys.argv[3]])
        elif command == "sign":
            state = json.load(open(state_path))
            request = json.loads(sys.argv[3])
            alg = request["alg"]
            key = state["keys"][alg]
            if alg == "HS256":
                key = base64.urlsafe_b64decode(key + "==")
            kid = request.get("kid", state["kids"][alg])
            headers = {"kid": kid} if kid else {}
            print(jwt.encode(request["claims"], key, algorithm=alg, headers=headers))
        """#
}
