import Foundation
import Testing

extension IntegrationSuite {
    /// Profiles on the real broker: the built-in `telemetry` profile for two devices, and rule edits
    /// reaching connected clients.
    @Suite struct TopicRulesTests {
        struct Telemetry {
            let broker: Broker
            let session: SessionCtl.CreatedSession
            var s: String { session.id }

            init() throws {
                broker = try Broker()
                session = try broker.sessionctl.createSession(["--type", "telemetry"])
            }

            func device(_ name: String, clientID: String? = nil) -> MQTTTestClient {
                let client = broker.client(clientID ?? name, protocolVersion: .v5)
                #expect(client.connect(username: name, password: session.password) == 0)
                return client
            }
        }

        @Test func devicesPublishOnlyTheirOwnTelemetryAndCommands() throws {
            let t = try Telemetry()
            defer { t.broker.stop() }
            let sensor1 = t.device("sensor1")
            #expect(sensor1.publish("\(t.s)/dt/temp/sensor1/c", "21").map(isAccepted) == true)
            #expect(sensor1.publish("\(t.s)/cmd/fw/sensor1/ack", "ok").map(isAccepted) == true)
            for topic in ["\(t.s)/dt/temp/sensor2/c", "\(t.s)/dt/sensor1", "\(t.s)/cmd/fw/sensor2/x", "\(t.s)/other"] {
                #expect(sensor1.publish(topic, "no") == notAuthorisedV5, "\(topic)")
            }
            #expect(
                t.broker.waitForLog(
                    "denied write '\(t.s)/dt/temp/sensor2/c' to client 'sensor1' of session '\(t.s)': "
                        + "no rule of profile telemetry, role device allows write"))
        }

        @Test func subscriptionsMustBeCoveredByReadableRules() throws {
            let t = try Telemetry()
            defer { t.broker.stop() }
            let sensor1 = t.device("sensor1")
            #expect(sensor1.subscribe("\(t.s)/cmd/+/sensor1/#") == 1)
            #expect(sensor1.subscribe("\(t.s)/cmd/fw/sensor1/now") == 1)
            // Devices write telemetry but never read it; nor may they read another device's commands.
            for filter in [
                "\(t.s)/dt/#", "\(t.s)/dt/+/sensor1/#", "\(t.s)/cmd/#", "\(t.s)/cmd/+/+/#",
                "\(t.s)/cmd/+/sensor2/#", "\(t.s)/#",
            ] {
                #expect(sensor1.subscribe(filter) == subscriptionRefusedV5, "\(filter)")
            }
        }

        @Test func commandsReachOnlyTheirDevice() throws {
            let t = try Telemetry()
            defer { t.broker.stop() }
            let sensor1 = t.device("sensor1")
            let sensor2 = t.device("sensor2")
            #expect(sensor1.subscribe("\(t.s)/cmd/+/sensor1/#") == 1)
            #expect(sensor2.subscribe("\(t.s)/cmd/+/sensor2/#") == 1)
            // A second connection of sensor2 (another client id) sends itself a command.
            let sensor2Console = t.device("sensor2", clientID: "sensor2-console")
            #expect(sensor2Console.publish("\(t.s)/cmd/fw/sensor2/update", "v2").map(isAccepted) == true)
            #expect(sensor2.waitForMessage(on: "\(t.s)/cmd/fw/sensor2/update")?.payload == "v2")
            #expect(sensor1.receivedMessages(settle: 0.3).isEmpty)
        }

        @Test func ruleEditsReachConnectedClientsWithinASecond() throws {
            let t = try Telemetry()
            defer { t.broker.stop() }
            let listener = t.device("sensor1")
            let console = t.device("sensor1", clientID: "sensor1-console")
            #expect(listener.subscribe("\(t.s)/cmd/+/sensor1/#") == 1)
            #expect(console.publish("\(t.s)/cmd/led/sensor1/on", "1").map(isAccepted) == true)
            #expect(listener.waitForMessage(on: "\(t.s)/cmd/led/sensor1/on")?.payload == "1")

            // Devices may still send commands, but no longer read them.
            let ctl = t.broker.sessionctl
            #expect(
                try ctl.run(["profile", "add-rule", "telemetry", "--role", "device", "--access", "write", "cmd/+/%u/#"])
                    .status == 0)
            #expect(
                try ctl.run([
                    "profile", "remove-rule", "telemetry", "--role", "device", "--access", "readwrite", "cmd/+/%u/#",
                ]).status == 0)
            #expect(
                t.broker.waitForLog(
                    "profiles changed: now 2 profiles (6 rules), applied to 2 connected clients", timeout: 1.0))
            #expect(console.publish("\(t.s)/cmd/led/sensor1/off", "0").map(isAccepted) == true)
            Thread.sleep(forTimeInterval: 0.3)
            #expect(listener.events.with { $0.messages.map(\.topic) } == ["\(t.s)/cmd/led/sensor1/on"])
            #expect(t.broker.waitForLog("denied read '\(t.s)/cmd/led/sensor1/off' to client 'sensor1'"))
        }

        @Test func denyRuleWins() throws {
            let t = try Telemetry()
            defer { t.broker.stop() }
            let ctl = t.broker.sessionctl
            #expect(
                try ctl.run([
                    "profile", "add-rule", "telemetry", "--role", "device", "--access", "deny", "cmd/reboot/#",
                ]).status == 0)
            Thread.sleep(forTimeInterval: 0.3)
            let sensor1 = t.device("sensor1")
            #expect(sensor1.publish("\(t.s)/cmd/reboot/sensor1/now", "x") == notAuthorisedV5)
            #expect(sensor1.publish("\(t.s)/cmd/led/sensor1/now", "x").map(isAccepted) == true)
            // The deny overlaps this filter, so the subscription is refused as a whole.
            #expect(sensor1.subscribe("\(t.s)/cmd/+/sensor1/#") == subscriptionRefusedV5)
            #expect(sensor1.subscribe("\(t.s)/cmd/led/sensor1/#") == 1)
        }
    }
}
