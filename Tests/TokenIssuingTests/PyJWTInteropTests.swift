import Foundation
import SessionAuthCore
import Testing
import TokenIssuing

/// Tokens issued here, checked by an independent implementation: PyJWT (Debian python3-jwt, installed
/// by scripts/install-deps.sh) with the public key taken from the ring's jwks.json through `jwt.PyJWK`.
/// A missing PyJWT fails the test: `make test` installs it, so its absence is a broken setup, not a
/// reason to skip the only outside check of the signatures.
@Suite struct PyJWTInteropTests {
    let folder: TemporaryKeysFolder

    init() throws {
        folder = try TemporaryKeysFolder()
    }

    /// Verifies argv[2] with the JWKS entry (file argv[1]) its header names, then checks that the
    /// tampered argv[3] is refused; prints the claims as JSON.
    static let script = """
        import json, sys
        import jwt
        jwks = json.load(open(sys.argv[1]))
        token, tampered = sys.argv[2], sys.argv[3]
        kid = jwt.get_unverified_header(token)["kid"]
        entry = next(k for k in jwks["keys"] if k["kid"] == kid)
        key = jwt.PyJWK(entry)
        claims = jwt.decode(token, key.key, algorithms=[entry["alg"]], audience="broker", issuer="sessionctl")
        try:
            jwt.decode(tampered, key.key, algorithms=[entry["alg"]], audience="broker", issuer="sessionctl")
            refused = "accepted"
        except jwt.InvalidSignatureError:
            refused = "InvalidSignatureError"
        print(json.dumps({"claims": claims, "tampered": refused}))
        """

    @Test(arguments: [JWSAlgorithm.es256, .edDSA, .rs256, .ps256, .hs256])
    func pyJWTVerifiesIssuedTokens(algorithm: JWSAlgorithm) throws {
        _ = try folder.ring.generate(algorithm)
        let request = Sample.request(publish: ["s1/dt/dev1/#"])
        let token = try TokenIssuer.issue(request, with: try folder.ring.activeKey())

        let output = try Self.runPython([folder.ring.jwksPath, token, Sample.tampered(token)])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(object["tampered"] as? String == "InvalidSignatureError")
        let claims = try #require(object["claims"] as? [String: Any])
        #expect(claims["sub"] as? String == "dev1")
        #expect(claims["sid"] as? String == "s1")
        #expect(claims["role"] as? String == "device")
        #expect(claims["jti"] as? String == request.tokenID)
        #expect((claims["exp"] as? NSNumber)?.int64Value == request.expiresAt)
        #expect(claims["publ"] as? [String] == ["s1/dt/dev1/#"])
    }

    /// Debian's python3-jwt goes into the system interpreter; a pyenv or venv `python3` earlier on PATH
    /// would not see it, so /usr/bin/python3 is preferred when it exists.
    static func runPython(_ arguments: [String]) throws -> String {
        let process = Process()
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = ["-c", script] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", script] + arguments
        }
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errorText = String(decoding: errors, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            if errorText.contains("No module named 'jwt'") || errorText.contains("No module named 'cryptography'") {
                throw FixtureError(
                    "PyJWT is missing: install python3-jwt and python3-cryptography (scripts/install-deps.sh)")
            }
            throw FixtureError("python3 exited \(process.terminationStatus): \(errorText)")
        }
        return String(decoding: output, as: UTF8.self)
    }
}
