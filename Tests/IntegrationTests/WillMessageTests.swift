import Foundation
import Testing

extension IntegrationSuite {
    /// SPEC §3: a will is published only if its topic passes the write rules when the broker sends it.
    @Suite struct WillMessageTests {
        @Test func willInsideTheRulesIsPublishedAndOneOutsideIsDropped() throws {
            let broker = try Broker()
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession(["--type", "telemetry"])
            let s = session.id
            let watcher = broker.client("watcher", protocolVersion: .v5)
            #expect(watcher.connect(username: "sensor1", password: session.password) == 0)
            #expect(watcher.subscribe("\(s)/cmd/+/sensor1/#") == 1)

            // Both wills name sensor1's command topics; only the device named sensor1 may write there.
            let allowed = try broker.mosquittoSub(
                clientID: "sensor1-power", username: "sensor1", password: session.password,
                topic: "\(s)/cmd/x/sensor1/in",
                will: ("\(s)/cmd/will/sensor1/gone", "sensor1 lost power"))
            let forbidden = try broker.mosquittoSub(
                clientID: "sensor2-power", username: "sensor2", password: session.password,
                topic: "\(s)/cmd/x/sensor2/in",
                will: ("\(s)/cmd/will/sensor1/gone", "forged by sensor2"))
            #expect(
                broker.waitForLog("allowed client 'sensor1-power'")
                    && broker.waitForLog("allowed client 'sensor2-power'"))
            forbidden.kill()
            #expect(
                broker.waitForLog(
                    "denied write '\(s)/cmd/will/sensor1/gone' to client 'sensor2-power' of session '\(s)': "
                        + "no rule of profile telemetry, role device allows write"))
            allowed.kill()
            #expect(watcher.waitForMessage(on: "\(s)/cmd/will/sensor1/gone")?.payload == "sensor1 lost power")
            Thread.sleep(forTimeInterval: 0.3)
            #expect(watcher.events.with { $0.messages.map(\.payload) } == ["sensor1 lost power"])
        }
    }
}
