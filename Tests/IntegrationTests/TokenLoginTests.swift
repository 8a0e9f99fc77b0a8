import Foundation
import Testing

extension IntegrationSuite {
    /// Token login on the real broker (SPEC §2): tokens from an independent JWT library, the token as
    /// password or as username, the telemetry roles, and every refusal a token can meet at CONNECT.
    @Suite struct TokenLoginTests {
        static func broker(_ issuer: IndependentIssuer, options: [(String, String)] = []) throws -> Broker {
            try Broker(options: [("jwt_keys", issuer.jwksPath)] + options)
        }

        @Test func tokensFromAnIndependentLibraryAreAcceptedForEveryAlgorithm() throws {
            let issuer = try IndependentIssuer()
            let broker = try Self.broker(issuer)
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession()
            for algorithm in IndependentIssuer.algorithms {
                let token = try issuer.token(
                    IndependentIssuer.claims(sub: "dev1", sid: session.id), algorithm: algorithm)
                let device = broker.client("dev1-\(algorithm)")
                #expect(device.connect(username: "dev1", password: token) == 0, "\(algorithm) token refused")
                #expect(device.publish("\(session.id)/\(algorithm)", "x").map(isAccepted) == true)
                device.disconnect()
            }
            #expect(broker.log.contains("token login with 5 keys"))
        }

        /// mosquitto-go-auth's convention: the token as username, no password. The broker then knows the
        /// client by `sub` (so %u rules work) and the token appears in no log line.
        @Test func tokenAsUsernameIsKnownByItsSubject() throws {
            let issuer = try IndependentIssuer()
            let broker = try Self.broker(issuer)
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession(["--type", "telemetry"])
            let token = try issuer.token(IndependentIssuer.claims(sub: "sensor7", sid: session.id))
            let service = try issuer.token(IndependentIssuer.claims(sub: "svc", sid: session.id, role: "service"))

            let reader = broker.client("svc-1")
            #expect(reader.connect(username: "svc", password: service) == 0)
            #expect(reader.subscribe("\(session.id)/dt/#") == 1)
            let device = broker.client("sensor7-a")
            #expect(device.connect(username: token, password: nil) == 0)
            #expect(device.publish("\(session.id)/dt/temp/sensor7/now", "21.5").map(isAccepted) == true)
            #expect(reader.waitForMessage(on: "\(session.id)/dt/temp/sensor7/now")?.payload == "21.5")
            // %u is the subject: another device's subtree stays closed.
            #expect(device.publish("\(session.id)/dt/temp/sensor8/now", "1").map(isAccepted) == true)
            #expect(reader.receivedMessages().allSatisfy { !$0.topic.contains("sensor8") })
            #expect(broker.waitForLog("allowed client 'sensor7-a' as 'sensor7'"))
            #expect(!broker.log.contains(token) && !broker.log.contains(service))
        }

        /// Issue 4's seed scenario with tokens: two devices and a service in a telemetry session.
        @Test func telemetryRolesWithTokens() throws {
            let issuer = try IndependentIssuer()
            let broker = try Self.broker(issuer)
            defer { broker.stop() }
            let s = try broker.sessionctl.createSession(["--type", "telemetry"]).id
            func connect(_ name: String, role: String? = nil) throws -> MQTTTestClient {
                let client = broker.client("\(name)-c")
                let token = try issuer.token(IndependentIssuer.claims(sub: name, sid: s, role: role))
                #expect(client.connect(username: name, password: token) == 0, "\(name) refused")
                return client
            }
            let dev1 = try connect("dev1")
            let dev2 = try connect("dev2")
            let service = try connect("conductor", role: "service")

            #expect(service.subscribe("\(s)/dt/#") == 1)
            #expect(dev1.subscribe("\(s)/cmd/+/dev1/#") == 1)
            #expect(dev2.subscribe("\(s)/dt/#") == subscriptionRefused, "a device may not read all telemetry")
            #expect(dev1.subscribe("\(s)/cmd/+/dev2/#") == subscriptionRefused)
            #expect(service.subscribe("\(s)/#") == subscriptionRefused, "the service may not read everything")

            #expect(dev1.publish("\(s)/dt/x/dev1/t", "1").map(isAccepted) == true)
            #expect(service.waitForMessage(on: "\(s)/dt/x/dev1/t")?.payload == "1")
            #expect(service.publish("\(s)/cmd/x/dev1/reboot", "now").map(isAccepted) == true)
            #expect(dev1.waitForMessage(on: "\(s)/cmd/x/dev1/reboot")?.payload == "now")
            // Denied publishes are dropped by the broker: nobody receives them.
            #expect(service.publish("\(s)/dt/x/dev1/forged", "f").map(isAccepted) == true)
            #expect(dev2.publish("\(s)/dt/x/dev1/forged2", "f").map(isAccepted) == true)
            #expect(service.receivedMessages().allSatisfy { !$0.topic.contains("forged") })
            #expect(broker.log.contains("denied write '\(s)/dt/x/dev1/forged' to client 'conductor-c'"))
        }

        @Test func refusedTokens() throws {
            let issuer = try IndependentIssuer()
            let stranger = try IndependentIssuer(name: "stranger")
            let broker = try Self.broker(issuer)
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession()
            let closed = try broker.sessionctl.createSession()
            try broker.sessionctl.close(closed.id)
            let now = Int(Date().timeIntervalSince1970)
            func claims(_ extra: [String: Any] = [:], sid: String? = nil) -> [String: Any] {
                IndependentIssuer.claims(sub: "dev1", sid: sid ?? session.id, extra: extra)
            }
            let unsignedHeader = Data(#"{"alg":"none","typ":"JWT"}"#.utf8).base64URL
            let unsignedPayload = try JSONSerialization.data(withJSONObject: claims()).base64URL
            let cases: [(String, String, String?, String)] = [
                ("expired", try issuer.token(claims(["exp": now - 5])), "dev1", "token expired"),
                ("not yet valid", try issuer.token(claims(["nbf": now + 300])), "dev1", "not valid yet"),
                ("issued in the future", try issuer.token(claims(["iat": now + 300])), "dev1", "issued in the future"),
                ("alg none", "\(unsignedHeader).\(unsignedPayload).", "dev1", "signature segment is empty"),
                (
                    "alg none, signed", "\(unsignedHeader).\(unsignedPayload).c2ln", "dev1",
                    "algorithm 'none' is not allowed"
                ),
                (
                    "unknown key", try stranger.token(claims()), "dev1",
                    "matches no configured key"
                ),
                (
                    "known kid, other key", try stranger.token(claims(), kid: try issuer.keyID("ES256")), "dev1",
                    "signature does not verify"
                ),
                ("username is not sub", try issuer.token(claims()), "dev2", "username is not the token's sub"),
                ("closed session", try issuer.token(claims(sid: closed.id)), "dev1", "is closed"),
                ("unknown session", try issuer.token(claims(sid: "nosuchsession")), "dev1", "no session"),
                ("no jti", try issuer.token(claims().filter { $0.key != "jti" }), "dev1", "no jti"),
                ("sub with a slash", try issuer.token(claims(["sub": "a/b"])), "a/b", "sub"),
            ]
            for (index, (name, token, username, reason)) in cases.enumerated() {
                let client = broker.client("refused-\(index)")
                #expect(client.connect(username: username, password: token) == notAuthorisedV311, "\(name) accepted")
                #expect(broker.waitForLog("refused client 'refused-\(index)'"), "\(name): no refusal logged")
                let line = broker.log.split(separator: "\n").first { $0.contains("refused client 'refused-\(index)'") }
                #expect(line?.contains(reason) == true, "\(name): \(line ?? "")")
            }
            #expect(!cases.contains { broker.log.contains($0.1) }, "a token reached the log")
        }

        @Test func aConnectedClientIsDisconnectedWhenItsTokenExpires() throws {
            let issuer = try IndependentIssuer()
            let broker = try Self.broker(issuer)
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession()
            // exp is whole seconds and issuing spawns a process, so 3 s leaves a loaded machine time to connect.
            let token = try issuer.token(IndependentIssuer.claims(sub: "dev1", sid: session.id, lifetime: 3))
            let device = broker.client("short")
            #expect(device.connect(username: "dev1", password: token) == 0)
            #expect(device.waitForDisconnect(timeout: 5), "still connected after its token expired")
            #expect(broker.waitForLog("disconnecting client 'short' (dev1): its token expired"))
            #expect(broker.client("short").connect(username: "dev1", password: token) == notAuthorisedV311)
        }

        @Test func withoutDisconnectOnExpiryTheConnectionOutlivesTheToken() throws {
            let issuer = try IndependentIssuer()
            let broker = try Self.broker(issuer, options: [("disconnect_on_expiry", "false")])
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession()
            let claims = IndependentIssuer.claims(sub: "dev1", sid: session.id, lifetime: 3)
            let token = try issuer.token(claims)
            let device = broker.client("stays")
            #expect(device.connect(username: "dev1", password: token) == 0)
            // Past exp by more than the plugin's once-a-second expiry sweep.
            let expiresAt = try #require(claims["exp"] as? Int)
            Thread.sleep(until: Date(timeIntervalSince1970: TimeInterval(expiresAt) + 1.5))
            #expect(!device.isDisconnected)
            #expect(device.publish("\(session.id)/still", "here").map(isAccepted) == true)
            #expect(broker.client("new").connect(username: "dev1", password: token) == notAuthorisedV311)
        }

        /// A new key published in the jwt_keys file (what `sessionctl keys rotate` does) is used within
        /// about a second, with no signal; a broken file leaves the keys in force.
        @Test func keyFileChangesAreFollowed() throws {
            let first = try IndependentIssuer(name: "first")
            let second = try IndependentIssuer(name: "second")
            let keysPath = URL(fileURLWithPath: first.directory.path).appendingPathComponent("served.json").path
            try FileManager.default.copyItem(atPath: first.jwksPath, toPath: keysPath)
            let broker = try Broker(options: [("jwt_keys", keysPath)])
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession()
            let claims = IndependentIssuer.claims(sub: "dev1", sid: session.id)
            let secondToken = try second.token(claims)
            #expect(broker.client("a").connect(username: "dev1", password: secondToken) == notAuthorisedV311)

            try Self.replace(keysPath, with: try Data(contentsOf: URL(fileURLWithPath: second.jwksPath)))
            let deadline = Date().addingTimeInterval(2)
            var accepted = false
            while !accepted && Date() < deadline {
                accepted = broker.client("b").connect(username: "dev1", password: secondToken) == 0
                if !accepted { Thread.sleep(forTimeInterval: 0.1) }
            }
            #expect(accepted, "the new key was not used within 2 s")
            #expect(broker.log.contains("re-read jwt_keys \(keysPath) (it changed)"))

            try Self.replace(keysPath, with: Data("{\"keys\": [".utf8))
            #expect(broker.waitForLog("keeping the 5 keys loaded before", timeout: 3))
            #expect(broker.client("c").connect(username: "dev1", password: secondToken) == 0)
        }

        /// SIGHUP re-reads the keys even when the file looks unchanged.
        @Test func sighupRereadsTheKeys() throws {
            let issuer = try IndependentIssuer()
            let broker = try Self.broker(issuer)
            defer { broker.stop() }
            #expect(broker.signal(SIGHUP))
            #expect(broker.waitForLog("re-read jwt_keys \(issuer.jwksPath) (the broker was asked to reload)"))
            let session = try broker.sessionctl.createSession()
            let token = try issuer.token(IndependentIssuer.claims(sub: "dev1", sid: session.id))
            #expect(broker.client("after-hup").connect(username: "dev1", password: token) == 0)
        }

        /// `publ` / `subs` claims (mosquitto-jwt-auth's format) narrow the session's rules, never widen them.
        @Test func publAndSubsClaimsOnlyNarrow() throws {
            let issuer = try IndependentIssuer()
            let broker = try Self.broker(issuer)
            defer { broker.stop() }
            let created = try broker.sessionctl.createSession()
            let s = created.id
            let other = try broker.sessionctl.createSession().id
            let narrowed = try issuer.token(
                IndependentIssuer.claims(
                    sub: "dev1", sid: s,
                    extra: ["publ": ["\(s)/out/#", "\(other)/#"], "subs": ["\(s)/in/#", "$SYS/#"]]))
            let device = broker.client("narrow")
            #expect(device.connect(username: "dev1", password: narrowed) == 0)
            #expect(device.subscribe("\(s)/in/#") == 1)
            #expect(device.subscribe("\(s)/#") == subscriptionRefused, "subs must narrow the open profile")
            #expect(device.subscribe("$SYS/#") == subscriptionRefused, "subs must not widen")
            #expect(device.subscribe("\(other)/#") == subscriptionRefused)

            let watcher = broker.client("watcher")
            #expect(watcher.connect(username: "w", password: created.password) == 0)
            #expect(watcher.subscribe("\(s)/#") == 1)
            #expect(device.publish("\(s)/out/a", "allowed").map(isAccepted) == true)
            #expect(watcher.waitForMessage(on: "\(s)/out/a")?.payload == "allowed")
            #expect(device.publish("\(s)/elsewhere", "narrowed away").map(isAccepted) == true)
            #expect(watcher.publish("\(s)/in/x", "to device").map(isAccepted) == true)
            #expect(device.waitForMessage(on: "\(s)/in/x")?.payload == "to device")
            #expect(device.publish("\(other)/x", "widened?").map(isAccepted) == true)
            #expect(watcher.receivedMessages().allSatisfy { $0.topic != "\(s)/elsewhere" })
            #expect(broker.log.contains("denied write '\(other)/x' to client 'narrow' of session '\(s)': outside"))
            #expect(
                broker.log.contains(
                    "denied write '\(s)/elsewhere' to client 'narrow' of session '\(s)': not within the token's 'publ' claim"
                ))
        }

        @Test func aBadKeyFileStopsTheBrokerAtStart() throws {
            let missing = try Broker.startExpectingFailure(options: [("jwt_keys", "/nonexistent/jwks.json")])
            #expect(missing.status != 0)
            #expect(missing.log.contains("jwt_keys: cannot open /nonexistent/jwks.json"))
            let issuer = try IndependentIssuer()
            let mismatch = try Broker.startExpectingFailure(options: [
                ("jwt_keys", issuer.jwksPath), ("jwt_algorithms", "ES384"),
            ])
            #expect(mismatch.status != 0)
            #expect(mismatch.log.contains("verifies any algorithm of jwt_algorithms (ES384)"))
            let badOption = try Broker.startExpectingFailure(options: [
                ("jwt_keys", issuer.jwksPath), ("jwt_algorithms", "none"),
            ])
            #expect(badOption.status != 0)
            #expect(badOption.log.contains("jwt_algorithms"))
            // An HMAC secret shorter than its hash (16 bytes for HS256) is refused at start, not used.
            let shortSecret = issuer.directory.appendingPathComponent("short.json")
            try Data(#"{"keys":[{"kty":"oct","kid":"short","alg":"HS256","k":"AAAAAAAAAAAAAAAAAAAAAA"}]}"#.utf8)
                .write(to: shortSecret)
            let short = try Broker.startExpectingFailure(options: [("jwt_keys", shortSecret.path)])
            #expect(short.status != 0)
            #expect(short.log.contains("jwt_keys:") && short.log.contains("refusing to start"), "\(short.log)")
        }

        private static func replace(_ path: String, with contents: Data) throws {
            let temporary = path + ".new"
            try contents.write(to: URL(fileURLWithPath: temporary))
            _ = rename(temporary, path)
        }
    }
}

extension Data {
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
