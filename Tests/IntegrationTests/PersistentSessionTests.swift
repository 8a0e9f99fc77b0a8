import Foundation
import Testing

extension IntegrationSuite {
    /// Issue 5: clients with persistent MQTT sessions (v3 clean session false, v5 clean start false).
    /// The broker keeps their subscriptions while they are away; after their session closes they must
    /// receive nothing queued and their reconnect must be refused.
    @Suite struct PersistentSessionTests {
        @Test(arguments: [MQTTTestClient.ProtocolVersion.v311, .v5])
        func aClosedSessionsPersistentClientGetsNothingAndIsRefused(version: MQTTTestClient.ProtocolVersion) throws {
            let broker = try Broker()
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession()
            let refused = version == .v5 ? notAuthorisedV5 : notAuthorisedV311
            let device = broker.client("keeper", protocolVersion: version, cleanSession: false)
            #expect(device.connect(username: "dev1", password: session.password) == 0)
            #expect(device.subscribe("\(session.id)/inbox", qos: 1) == 1)
            device.disconnect()
            #expect(broker.waitForLog("client 'keeper' of session '\(session.id)' disconnected"))

            // Sent while the device is away, then the session closes.
            let sender = broker.client("sender", protocolVersion: version)
            #expect(sender.connect(username: "sender", password: session.password) == 0)
            #expect(sender.publish("\(session.id)/inbox", "while away").map(isAccepted) == true)
            try broker.sessionctl.close(session.id)
            #expect(sender.waitForDisconnect(timeout: 1.5))

            let back = broker.client("keeper", protocolVersion: version, cleanSession: false)
            #expect(back.connect(username: "dev1", password: session.password) == refused)
            #expect(back.receivedMessages(settle: 0.5).isEmpty)

            // The same client id joining another session with its old MQTT session still in the broker:
            // the old subscription delivers nothing, queued or new.
            let next = try broker.sessionctl.createSession()
            let moved = broker.client("keeper", protocolVersion: version, cleanSession: false)
            #expect(moved.connect(username: "dev1", password: next.password) == 0)
            #expect(moved.receivedMessages(settle: 1.0).isEmpty, "a message of the closed session was delivered")
        }
    }
}
