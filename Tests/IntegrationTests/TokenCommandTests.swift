import Foundation
import Testing

/// `sessionctl join`, `token`, `revoke` and `tokens` against a real store and keys directory, as a
/// backend script runs them.
@Suite final class TokenCommandTests {
    let folder: TemporaryStoreFolder
    var ctl: SessionCtl { folder.ctl }

    init() throws {
        folder = try TemporaryStoreFolder(initialise: true)
        // `init` makes the signing key pair in the default keys directory, beside the store.
        let keys = folder.directory.appendingPathComponent("keys/jwks.json").path
        guard FileManager.default.fileExists(atPath: keys) else {
            throw HarnessError("sessionctl init made no keys directory at \(keys)")
        }
    }

    // MARK: Helpers

    private func object(_ result: CommandResult) throws -> [String: Any] {
        guard result.status == 0,
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        else { throw HarnessError("expected a JSON object: \(result.status) \(result.stdout) \(result.stderr)") }
        return object
    }

    private func listed(_ arguments: [String] = []) throws -> [[String: Any]] {
        let result = try ctl.run(["tokens", "--json"] + arguments)
        guard result.status == 0,
            let array = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        else { throw HarnessError("sessionctl tokens failed: \(result.status) \(result.stdout) \(result.stderr)") }
        return array
    }

    private func session(_ extra: [String] = []) throws -> (id: String, pin: String, expiresAt: Int?) {
        let created = try object(try ctl.run(["create", "--json"] + extra))
        guard let id = created["id"] as? String, let pin = created["pin"] as? String else {
            throw HarnessError("sessionctl create printed no id or pin: \(created)")
        }
        return (id, pin, created["expires_at"] as? Int)
    }

    /// The claims of a compact JWS: its middle segment, base64url without padding (RFC 7515 §2).
    private func claims(_ token: String) throws -> [String: Any] {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3 else { throw HarnessError("not a compact JWS: \(token)") }
        return try decodeSegment(segments[1])
    }

    private func header(_ token: String) throws -> [String: Any] {
        guard let first = token.split(separator: ".").first else { throw HarnessError("not a compact JWS: \(token)") }
        return try decodeSegment(first)
    }

    private func decodeSegment(_ segment: Substring) throws -> [String: Any] {
        var base64 = segment.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64),
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw HarnessError("segment is not base64url JSON: \(segment)") }
        return object
    }

    private var now: Int { Int(Date().timeIntervalSince1970) }

    /// A refusal: non-zero exit, one line on stderr, nothing on stdout (and so no token).
    private func expectRefused(
        _ result: CommandResult, containing message: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.status != 0, "\(result.stdout)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "stdout: \(result.stdout)", sourceLocation: sourceLocation)
        #expect(
            result.stderr.trimmingCharacters(in: .newlines).components(separatedBy: "\n").count == 1,
            "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    }

    // MARK: join

    @Test func joinPrintsATokenWithTheSessionsClaimsAndTokensListsIt() throws {
        let session = try session(["--ttl", "48h"])
        let before = now
        let joined = try object(try ctl.run(["join", session.id, session.pin, "--device", "sensor1", "--json"]))
        let after = now
        #expect(Set(joined.keys) == ["token", "jti", "expires_at"])
        let token = try #require(joined["token"] as? String)
        let jti = try #require(joined["jti"] as? String)
        let expiresAt = try #require(joined["expires_at"] as? Int)

        let payload = try claims(token)
        #expect(payload["sub"] as? String == "sensor1")
        #expect(payload["sid"] as? String == session.id)
        #expect(payload["role"] as? String == "device")
        #expect(payload["jti"] as? String == jti)
        #expect(payload["exp"] as? Int == expiresAt)
        let issuedAt = try #require(payload["iat"] as? Int)
        #expect(issuedAt >= before && issuedAt <= after)
        #expect(expiresAt == issuedAt + 86_400, "the default lifetime is 24 h")
        let header = try header(token)
        #expect(header["alg"] is String && header["kid"] is String)

        let tokens = try listed([session.id])
        #expect(tokens.count == 1)
        let entry = try #require(tokens.first)
        #expect(entry["jti"] as? String == jti)
        #expect(entry["session"] as? String == session.id)
        #expect(entry["device"] as? String == "sensor1")
        #expect(entry["role"] as? String == "device")
        #expect(entry["issued_at"] as? Int == issuedAt)
        #expect(entry["expires_at"] as? Int == expiresAt)
        #expect(entry["state"] as? String == "active")
        #expect(entry["rules"] == nil, "a session token's rules are its profile's")

        // The token itself is never stored, so no listing can print it.
        #expect(!(try ctl.run(["tokens"])).stdout.contains(token))
        #expect(!(try ctl.run(["tokens", "--json"])).stdout.contains(token))
        let store = try Data(contentsOf: URL(fileURLWithPath: ctl.databasePath))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: ctl.databasePath + "-wal"))) ?? Data()
        let signature = String(token.split(separator: ".").last ?? "")
        #expect((store + wal).range(of: Data(signature.utf8)) == nil)
    }

    @Test func joinForPeoplePrintsTheTokenThenItsJtiThenHowToConnect() throws {
        let session = try session()
        let result = try ctl.run(["join", session.id, session.pin, "--device", "sensor1"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(result.stdout)")
        let token = try #require(lines.first)
        #expect(token.split(separator: ".").count == 3)
        let jti = try #require(try claims(token)["jti"] as? String)
        #expect(lines.dropFirst().first?.contains(jti) == true)
        #expect(lines.last?.contains("mosquitto_pub -u sensor1 -P \(token) ") == true, "\(lines.last ?? "")")
        #expect(try listed().count == 1)
    }

    @Test func joinWithAWrongPinIsRefused() throws {
        let session = try session()
        let wrong = session.pin == "000000" ? "000001" : "000000"
        expectRefused(
            try ctl.run(["join", session.id, wrong, "--device", "sensor1"]), containing: "wrong pin for session")
        #expect(try listed().isEmpty)
    }

    @Test func joinToAClosedSessionIsRefused() throws {
        let session = try session()
        try ctl.close(session.id)
        expectRefused(try ctl.run(["join", session.id, session.pin, "--device", "sensor1"]), containing: "is closed")
        #expect(try listed().isEmpty)
    }

    @Test func joinToAnUnknownSessionIsRefused() throws {
        expectRefused(
            try ctl.run(["join", "nosuch", "123456", "--device", "sensor1"]), containing: "no session with id")
    }

    @Test(arguments: ["a/b", "dev+", "#", "", String(repeating: "x", count: 65), "caf\u{e9}"])
    func joinWithADeviceNameThePluginWouldRefuseIsRefused(device: String) throws {
        let session = try session()
        expectRefused(try ctl.run(["join", session.id, session.pin, "--device", device]), containing: "--device")
        #expect(try listed().isEmpty)
    }

    @Test func ttlBeyondTheSessionsExpiryIsClamped() throws {
        let session = try session(["--ttl", "1h"])
        let sessionExpiry = try #require(session.expiresAt)
        let joined = try object(
            try ctl.run(["join", session.id, session.pin, "--device", "sensor1", "--ttl", "7d", "--json"]))
        #expect(joined["expires_at"] as? Int == sessionExpiry)
        #expect(try claims(try #require(joined["token"] as? String))["exp"] as? Int == sessionExpiry)

        let human = try ctl.run(["token", session.id, "--device", "sensor2", "--role", "device", "--ttl", "2h"])
        #expect(human.status == 0, "\(human.stderr)")
        #expect(human.stdout.contains("when its session expires"), "\(human.stdout)")

        // A shorter --ttl is kept as asked.
        let before = now
        let short = try object(
            try ctl.run(["token", session.id, "--device", "sensor3", "--role", "device", "--ttl", "15m", "--json"]))
        let expiresAt = try #require(short["expires_at"] as? Int)
        #expect(expiresAt >= before + 900 && expiresAt <= now + 900)
    }

    // MARK: token

    @Test func tokenWithARoleTheProfileLacksIsRefusedAndNamesItsRoles() throws {
        let session = try session(["--type", "telemetry"])
        let refused = try ctl.run(["token", session.id, "--device", "dash", "--role", "auditor"])
        expectRefused(refused, containing: "no rules for role 'auditor'")
        for role in ["device", "service", "admin"] { #expect(refused.stderr.contains(role)) }

        let issued = try object(
            try ctl.run(["token", session.id, "--device", "dash", "--role", "service", "--label", "wall", "--json"]))
        let payload = try claims(try #require(issued["token"] as? String))
        #expect(payload["role"] as? String == "service")
        #expect(payload["sub"] as? String == "dash")
        #expect(payload["sid"] as? String == session.id)
        #expect(try listed([session.id]).first?["label"] as? String == "wall")
    }

    @Test func tokenForAClosedSessionIsRefused() throws {
        let session = try session()
        try ctl.close(session.id)
        expectRefused(try ctl.run(["token", session.id, "--device", "d", "--role", "device"]), containing: "is closed")
    }

    @Test func globalTokenRecordsItsRulesAndListsThem() throws {
        let session = try session()
        _ = try object(try ctl.run(["join", session.id, session.pin, "--device", "sensor1", "--json"]))
        let issued = try object(
            try ctl.run([
                "token", "--global", "--device", "conductor", "--role", "service", "--rule", "read +/dt/#", "--rule",
                "readwrite +/cmd/%u/#", "--label", "backend", "--json",
            ]))
        let payload = try claims(try #require(issued["token"] as? String))
        #expect(payload["sid"] == nil, "an operator token belongs to no session")
        #expect(payload["sub"] as? String == "conductor")
        #expect(payload["role"] as? String == "service")

        let operators = try listed(["--global"])
        #expect(operators.count == 1, "the session token is not an operator token")
        let entry = try #require(operators.first)
        #expect(entry["jti"] as? String == issued["jti"] as? String)
        #expect(entry["session"] is NSNull)
        #expect(entry["label"] as? String == "backend")
        #expect(entry["state"] as? String == "active")
        let rules = try #require(entry["rules"] as? [[String: String]])
        #expect(rules == [["access": "read", "pattern": "+/dt/#"], ["access": "readwrite", "pattern": "+/cmd/%u/#"]])
        #expect(try listed().count == 2)

        let human = try ctl.run(["tokens", "--global"])
        #expect(human.stdout.contains("(operator)") && human.stdout.contains("readwrite +/cmd/%u/#"))
    }

    @Test(arguments: [
        (["--rule", "read %s/#"], "%s"),
        (["--rule", "read $SYS/#"], "starts with '$'"),
        (["--rule", "grant #"], "ACCESS PATTERN"),
        (["--rule", "read a+/b"], "not a valid topic filter"),
        ([], "at least one --rule"),
    ])
    func globalTokenWithBadRulesIsRefused(extra: [String], message: String) throws {
        expectRefused(
            try ctl.run(["token", "--global", "--device", "conductor", "--role", "service"] + extra),
            containing: message)
        #expect(try listed().isEmpty)
    }

    @Test func tokenNeedsExactlyOneOfASessionAndGlobal() throws {
        let session = try session()
        expectRefused(
            try ctl.run(["token", session.id, "--global", "--device", "d", "--role", "device", "--rule", "read #"]),
            containing: "not both")
        expectRefused(try ctl.run(["token", "--device", "d", "--role", "device"]), containing: "--global")
        expectRefused(
            try ctl.run(["token", session.id, "--device", "d", "--role", "device", "--rule", "read #"]),
            containing: "--rule is only for --global")
    }

    // MARK: revoke

    @Test func revokeByJtiThenTokensShowsItRevoked() throws {
        let session = try session()
        let first = try object(try ctl.run(["join", session.id, session.pin, "--device", "d1", "--json"]))
        let second = try object(try ctl.run(["join", session.id, session.pin, "--device", "d2", "--json"]))
        let jti = try #require(first["jti"] as? String)

        let revoked = try object(try ctl.run(["revoke", "--jti", jti, "--json"]))
        #expect(revoked["jti"] as? String == jti)
        #expect(revoked["known"] as? Bool == true)
        let revokedAt = try #require(revoked["revoked_at"] as? Int)

        let states = Dictionary(
            uniqueKeysWithValues: try listed().map { ($0["jti"] as? String ?? "", $0["state"] as? String ?? "") })
        #expect(states == [jti: "revoked", try #require(second["jti"] as? String): "active"])
        #expect(try listed().first { $0["jti"] as? String == jti }?["revoked_at"] as? Int == revokedAt)

        let again = try ctl.run(["revoke", "--jti", jti])
        #expect(again.status == 0 && again.stdout.contains("already revoked"), "\(again.stdout)")
    }

    @Test func revokingAForeignJtiSaysSessionctlDidNotIssueIt() throws {
        let human = try ctl.run(["revoke", "--jti", "issued-elsewhere-1"])
        #expect(human.status == 0)
        #expect(human.stdout.contains("did not issue"), "\(human.stdout)")
        let json = try object(try ctl.run(["revoke", "--jti", "issued-elsewhere-2", "--json"]))
        #expect(json["known"] as? Bool == false)
        #expect(try listed().isEmpty, "a foreign jti is revoked, not made into a recorded token")
    }

    @Test func revokeADeviceRevokesItsTokensIssuedSoFar() throws {
        let session = try session()
        for device in ["d1", "d1", "d2"] {
            _ = try object(try ctl.run(["join", session.id, session.pin, "--device", device, "--json"]))
        }
        let revoked = try object(try ctl.run(["revoke", session.id, "--device", "d1", "--json"]))
        #expect(revoked["session"] as? String == session.id)
        #expect(revoked["device"] as? String == "d1")
        #expect(revoked["tokens"] as? Int == 2)
        #expect(revoked["revoked_at"] is Int)
        let states = try listed().map { "\($0["device"] as? String ?? ""):\($0["state"] as? String ?? "")" }
        #expect(states == ["d1:revoked", "d1:revoked", "d2:active"])

        // Tokens issued after the revocation work: the device may join again. The revocation covers
        // its whole second, so wait for the next one.
        Thread.sleep(forTimeInterval: 1.1)
        let rejoined = try object(try ctl.run(["join", session.id, session.pin, "--device", "d1", "--json"]))
        let rejoinedEntry = try listed().first { $0["jti"] as? String == rejoined["jti"] as? String }
        #expect(rejoinedEntry?["state"] as? String == "active")

        let human = try ctl.run(["revoke", session.id, "--device", "d2"])
        #expect(human.status == 0 && human.stdout.contains("d2"), "\(human.stderr)")
    }

    @Test(arguments: [
        (["revoke"], "--jti"),
        (["revoke", "--jti", "x", "s1", "--device", "d"], "not both"),
        (["revoke", "s1"], "--device"),
        (["revoke", "--device", "d"], "session ID"),
        (["revoke", "nosuch", "--device", "d"], "no session with id 'nosuch'"),
        (["tokens", "nosuch"], "no session with id 'nosuch'"),
        (["tokens", "s1", "--global"], "not both"),
    ])
    func revokeAndTokensErrorsAreOneLine(arguments: [String], message: String) throws {
        expectRefused(try ctl.run(arguments), containing: message)
    }
}
