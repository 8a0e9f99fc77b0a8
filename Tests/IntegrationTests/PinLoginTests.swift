import Foundation
import Testing

extension IntegrationSuite {
    /// Item 4 of the walking skeleton: username = device name, password = SESSIONID:PIN; every refusal.
    @Suite struct PinLoginTests {
        @Test(arguments: [MQTTTestClient.ProtocolVersion.v311, .v5])
        func deviceJoinsWithIdAndPin(version: MQTTTestClient.ProtocolVersion) throws {
            let broker = try Broker()
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession()
            let device = broker.client("sensor1", protocolVersion: version)
            #expect(device.connect(username: "sensor1", password: session.password) == 0)
            #expect(broker.waitForLog("allowed client 'sensor1' as 'sensor1' in session '\(session.id)'"))
        }

        @Test func wrongPinUnknownAndClosedSessionsAreRefused() throws {
            let broker = try Broker()
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession()
            let closed = try broker.sessionctl.createSession()
            try broker.sessionctl.close(closed.id)
            let wrongPin = session.pin == "000000" ? "000001" : "000000"
            let cases: [(String, String, String)] = [
                ("\(session.id):\(wrongPin)", "wrong pin for session '\(session.id)'", "wrong pin"),
                ("nosuchid:\(session.pin)", "no session 'nosuchid'", "unknown session"),
                (closed.password, "session '\(closed.id)' is closed", "closed session"),
                (session.id, "password is neither SESSIONID:PIN nor a token", "no pin"),
            ]
            for (index, (password, logged, what)) in cases.enumerated() {
                let v311 = broker.client("dev\(index)")
                #expect(v311.connect(username: "dev\(index)", password: password) == notAuthorisedV311, "\(what)")
                let v5 = broker.client("dev\(index)-v5", protocolVersion: .v5)
                #expect(v5.connect(username: "dev\(index)", password: password) == notAuthorisedV5, "\(what)")
                #expect(broker.waitForLog("refused client 'dev\(index)' from 127.0.0.1: \(logged)"), "\(what)")
            }
            #expect(!broker.log.contains(wrongPin) && !broker.log.contains(session.pin), "a pin reached the log")
        }

        @Test func missingCredentialsAreRefused() throws {
            let broker = try Broker()
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession()
            #expect(broker.client("anon").connect(username: nil, password: nil) == notAuthorisedV311)
            #expect(broker.client("nopass").connect(username: "nopass", password: nil) == notAuthorisedV311)
            #expect(
                broker.client("nouser", protocolVersion: .v5).connect(username: nil, password: session.password)
                    == notAuthorisedV5)
            #expect(broker.waitForLog("refused client 'nopass' from 127.0.0.1: no password given"))
        }

        /// Names outside the identity alphabet would reach other subtrees once `%u` is expanded
        /// (CVE-2017-7650): refused before anything else, and never echoed into the log.
        @Test(arguments: ["dev/1", "dev+1", "dev#", "de v", "dév", String(repeating: "a", count: 65), "+", "#"])
        func usernamesOutsideTheAlphabetAreRefused(username: String) throws {
            let broker = try Broker()
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession()
            let v5 = broker.client("dev", protocolVersion: .v5)
            #expect(v5.connect(username: username, password: session.password) == notAuthorisedV5)
            #expect(broker.waitForLog("refused client 'dev' from 127.0.0.1: username "))
        }

        @Test func clientIdAndSessionIdOutsideTheAlphabetAreRefused() throws {
            let broker = try Broker()
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession()
            #expect(
                broker.client("id/with/slash").connect(username: "dev", password: session.password) == notAuthorisedV311
            )
            #expect(
                broker.waitForLog(
                    "refused a client with an invalid client id from 127.0.0.1: client id has a character"))
            #expect(
                broker.client("dev2").connect(username: "dev2", password: "a/b:\(session.pin)") == notAuthorisedV311)
            #expect(broker.waitForLog("refused client 'dev2' from 127.0.0.1: session id has a character"))
        }
    }
}
