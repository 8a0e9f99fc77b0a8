import Foundation
import Testing

extension IntegrationSuite {
    /// Item 5: `sessionctl close` disconnects that session's clients within a second, nobody else's,
    /// and changes made while the broker runs take effect within a second without a restart.
    @Suite struct SessionLifecycleTests {
        @Test func closeDisconnectsOnlyThatSessionsClients() throws {
            let broker = try Broker()
            defer { broker.stop() }
            let closing = try broker.sessionctl.createSession()
            let staying = try broker.sessionctl.createSession()
            // The same device name in both sessions: only the connection in the closed one may go.
            let doomed = broker.client("closing-sensor1")
            #expect(doomed.connect(username: "sensor1", password: closing.password) == 0)
            let survivor = broker.client("staying-sensor1")
            #expect(survivor.connect(username: "sensor1", password: staying.password) == 0)
            #expect(survivor.subscribe("\(staying.id)/#") == 1)
            let sub = try broker.mosquittoSub(
                clientID: "closing-sub", username: "watcher", password: closing.password, topic: "\(closing.id)/#")
            #expect(broker.waitForLog("allowed client 'closing-sub'"))

            try broker.sessionctl.close(closing.id)
            let closedAt = Date()
            #expect(doomed.waitForDisconnect(timeout: 1.0), "not disconnected within 1 s of close")
            let dropTime = Date().timeIntervalSince(closedAt)
            print("close-to-disconnect: \(Int(dropTime * 1000)) ms")

            // mosquitto_sub reconnects by itself: the reconnect must be refused, which ends it.
            #expect(sub.waitForExit(timeout: 3), "mosquitto_sub is still connected after its session closed")
            #expect(sub.exitStatus != 0)
            #expect(sub.stderr.contains("not authorised"), "mosquitto_sub said: \(sub.stderr)")
            #expect(
                broker.client("closing-sensor1").connect(username: "sensor1", password: closing.password)
                    == notAuthorisedV311)

            #expect(!survivor.isDisconnected)
            let sender = broker.client("staying-sender")
            #expect(sender.connect(username: "sender", password: staying.password) == 0)
            #expect(sender.publish("\(staying.id)/still", "here").map(isAccepted) == true)
            #expect(survivor.waitForMessage(on: "\(staying.id)/still")?.payload == "here")
            #expect(
                broker.log.contains(
                    "disconnecting client 'closing-sensor1' (sensor1): session '\(closing.id)' is closed"))
            #expect(!broker.log.contains("disconnecting client 'staying-sensor1'"))
        }

        /// The broker reports every ended connection (MOSQ_EVT_DISCONNECT), so the plugin's registry
        /// does not grow with churn and a later close does not kick a client id now used by someone else.
        @Test func disconnectedClientsAreForgotten() throws {
            let broker = try Broker()
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession()
            let device = broker.client("brief")
            #expect(device.connect(username: "brief", password: session.password) == 0)
            device.disconnect()
            #expect(broker.waitForLog("client 'brief' of session '\(session.id)' disconnected"))
            try broker.sessionctl.close(session.id)
            Thread.sleep(forTimeInterval: 0.5)
            #expect(!broker.log.contains("disconnecting client 'brief'"))
        }

        @Test func sessionCreatedWhileRunningWorksWithinASecond() throws {
            let broker = try Broker()
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession()
            let createdAt = Date()
            var accepted = false
            repeat {
                let device = broker.client("late")
                accepted = device.connect(username: "late", password: session.password) == 0
                if !accepted { Thread.sleep(forTimeInterval: 0.05) }
            } while !accepted && Date().timeIntervalSince(createdAt) < 1.0
            #expect(accepted, "a session created while the broker runs was not usable within 1 s")
        }

        @Test func expiredSessionDisconnectsItsClients() throws {
            let broker = try Broker()
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession(["--ttl", "2s"])
            let device = broker.client("short-lived")
            #expect(device.connect(username: "dev", password: session.password) == 0)
            #expect(device.waitForDisconnect(timeout: 4), "not disconnected when the session expired")
            #expect(broker.client("again").connect(username: "dev", password: session.password) == notAuthorisedV311)
            #expect(broker.waitForLog("session '\(session.id)' is expired"))
        }
    }
}
