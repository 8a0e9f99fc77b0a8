import Foundation
import Testing

extension IntegrationSuite {
    /// Tokens from `sessionctl join` and `sessionctl token` on the real broker, end to end: login,
    /// revocation of a token and of a device (connected holders dropped within a second, reconnects
    /// refused), operator tokens across sessions, and key rotation without a restart.
    @Suite struct IssuedTokenLoginTests {
        static func issued(_ result: CommandResult) throws -> (token: String, jti: String) {
            guard result.status == 0,
                let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                let token = object["token"] as? String, let jti = object["jti"] as? String
            else {
                throw HarnessError("sessionctl printed no token: \(result.status) \(result.stdout) \(result.stderr)")
            }
            return (token, jti)
        }

        /// Connects `clientID` until accepted or `timeout` passes (a change reaches the broker within a second).
        static func connectsWithin(_ timeout: TimeInterval, _ attempt: () -> Int32?) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            repeat {
                if attempt() == 0 { return true }
                Thread.sleep(forTimeInterval: 0.1)
            } while Date() < deadline
            return false
        }

        @Test func aJoinedTokenWorksAndRevokingItDisconnectsItsHolder() throws {
            let broker = try Broker(sessionctlKeys: true)
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession(["--type", "telemetry"])
            let joined = try Self.issued(
                try broker.sessionctl.run(["join", session.id, session.pin, "--device", "sensor1", "--json"]))
            let device = broker.client("sensor1-a")
            #expect(device.connect(username: "sensor1", password: joined.token) == 0)
            #expect(device.publish("\(session.id)/dt/t/sensor1/now", "1").map(isAccepted) == true)
            // The same token as the username, with no password.
            let asUsername = broker.client("sensor1-b")
            #expect(asUsername.connect(username: joined.token, password: nil) == 0)

            let revoke = try broker.sessionctl.run(["revoke", "--jti", joined.jti])
            #expect(revoke.status == 0, "\(revoke.stderr)")
            let revokedAt = Date()
            #expect(device.waitForDisconnect(timeout: 1.0), "not disconnected within 1 s of revoke")
            #expect(asUsername.waitForDisconnect(timeout: 1.0))
            print("revoke-to-disconnect: \(Int(Date().timeIntervalSince(revokedAt) * 1000)) ms")
            #expect(
                broker.client("sensor1-c").connect(username: "sensor1", password: joined.token) == notAuthorisedV311)
            #expect(broker.log.contains("disconnecting client 'sensor1-a' (sensor1): its token"))
            #expect(broker.log.contains("disconnecting client 'sensor1-b' (sensor1): its token"))
            #expect(!broker.log.contains(joined.token))
        }

        @Test func revokingADeviceDropsItsTokensAndLetsANewOneIn() throws {
            let broker = try Broker(sessionctlKeys: true)
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession()
            let first = try Self.issued(
                try broker.sessionctl.run(["token", session.id, "--device", "dev1", "--role", "device", "--json"]))
            let other = try Self.issued(
                try broker.sessionctl.run(["token", session.id, "--device", "dev2", "--role", "device", "--json"]))
            let dev1 = broker.client("dev1-a")
            let dev2 = broker.client("dev2-a")
            #expect(dev1.connect(username: "dev1", password: first.token) == 0)
            #expect(dev2.connect(username: "dev2", password: other.token) == 0)

            #expect(try broker.sessionctl.run(["revoke", session.id, "--device", "dev1"]).status == 0)
            #expect(dev1.waitForDisconnect(timeout: 1.0), "not disconnected within 1 s of the device revoke")
            #expect(broker.waitForLog("disconnecting client 'dev1-a' (dev1): its device's tokens were revoked"))
            #expect(!dev2.isDisconnected, "another device of the session was dropped")
            #expect(broker.client("dev1-b").connect(username: "dev1", password: first.token) == notAuthorisedV311)
            // A token issued after the revocation works, even within the revocation's second (sessionctl
            // dates it after the revocation rather than hand out a token born revoked).
            let fresh = try Self.issued(
                try broker.sessionctl.run(["token", session.id, "--device", "dev1", "--role", "device", "--json"]))
            #expect(broker.client("dev1-c").connect(username: "dev1", password: fresh.token) == 0)
        }

        @Test func anOperatorTokenReadsEverySessionButNeverSys() throws {
            let broker = try Broker(sessionctlKeys: true)
            defer { broker.stop() }
            let first = try broker.sessionctl.createSession(["--type", "telemetry"])
            let second = try broker.sessionctl.createSession(["--type", "telemetry"])
            let conductor = try Self.issued(
                try broker.sessionctl.run([
                    "token", "--global", "--device", "conductor", "--role", "service", "--rule", "read +/dt/#",
                    "--rule", "write +/cmd/#", "--json",
                ]))
            let service = broker.client("conductor-1")
            #expect(
                Self.connectsWithin(1.5) { service.connect(username: "conductor", password: conductor.token) },
                "the operator token was not usable within a second")
            #expect(service.subscribe("+/dt/#") == 1)
            #expect(service.subscribe("#") == subscriptionRefused)
            #expect(service.subscribe("$SYS/#") == subscriptionRefused)
            for session in [first, second] {
                let device = broker.client("\(session.id)-dev")
                #expect(device.connect(username: "dev", password: session.password) == 0)
                #expect(device.publish("\(session.id)/dt/t/dev/x", session.id).map(isAccepted) == true)
                #expect(service.waitForMessage(on: "\(session.id)/dt/t/dev/x")?.payload == session.id)
            }
            #expect(try broker.sessionctl.run(["revoke", "--jti", conductor.jti]).status == 0)
            #expect(service.waitForDisconnect(timeout: 1.0), "operator token holder not dropped within 1 s")
            #expect(
                broker.client("conductor-2").connect(username: "conductor", password: conductor.token)
                    == notAuthorisedV311)
        }

        /// With jwt_issuer and jwt_audience set, tokens must carry them: sessionctl's --issuer / --audience.
        @Test func issuerAndAudienceAreRequiredWhenConfigured() throws {
            let broker = try Broker(
                options: [("jwt_issuer", "https://sessions.example"), ("jwt_audience", "mqtt.example")],
                sessionctlKeys: true)
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession()
            let base = ["token", session.id, "--device", "d", "--role", "device", "--json"]
            let plain = try Self.issued(try broker.sessionctl.run(base))
            let wrongAudience = try Self.issued(
                try broker.sessionctl.run(base + ["--issuer", "https://sessions.example", "--audience", "other"]))
            let matching = try Self.issued(
                try broker.sessionctl.run(
                    base + ["--issuer", "https://sessions.example", "--audience", "mqtt.example"]))
            #expect(broker.client("plain").connect(username: "d", password: plain.token) == notAuthorisedV311)
            #expect(broker.waitForLog("token has no iss claim, and an issuer is required"))
            #expect(broker.client("aud").connect(username: "d", password: wrongAudience.token) == notAuthorisedV311)
            #expect(broker.waitForLog("token audience does not include the configured audience"))
            #expect(broker.client("ok").connect(username: "d", password: matching.token) == 0)
        }

        /// `sessionctl keys rotate` publishes a new key; the broker follows jwks.json within about a second,
        /// old tokens keep working until their key is retired.
        @Test func keyRotationNeedsNoRestart() throws {
            let broker = try Broker(sessionctlKeys: true)
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession()
            let old = try Self.issued(
                try broker.sessionctl.run(["token", session.id, "--device", "d", "--role", "device", "--json"]))
            let keysBefore = try broker.sessionctl.run(["keys", "list", "--json"]).stdout
            #expect(try broker.sessionctl.run(["keys", "rotate"]).status == 0)
            let new = try Self.issued(
                try broker.sessionctl.run(["token", session.id, "--device", "d", "--role", "device", "--json"]))
            #expect(
                Self.connectsWithin(2.0) { broker.client("new-key").connect(username: "d", password: new.token) },
                "a token of the rotated key was not accepted within 2 s")
            #expect(broker.client("old-key").connect(username: "d", password: old.token) == 0)

            let oldKeyID = try #require(
                (try JSONSerialization.jsonObject(with: Data(keysBefore.utf8)) as? [[String: Any]])?.first?["kid"]
                    as? String)
            #expect(try broker.sessionctl.run(["keys", "retire", oldKeyID]).status == 0)
            let deadline = Date().addingTimeInterval(2.0)
            var refused = false
            while !refused && Date() < deadline {
                refused = broker.client("old-key-2").connect(username: "d", password: old.token) == notAuthorisedV311
                if !refused { Thread.sleep(forTimeInterval: 0.1) }
            }
            #expect(refused, "a token of a retired key was still accepted after 2 s")
        }
    }
}
