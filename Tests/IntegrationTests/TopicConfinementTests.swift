import Foundation
import Testing

extension IntegrationSuite {
    /// Item 4: members publish and subscribe only under their session's topic root.
    @Suite struct TopicConfinementTests {
        /// Sessions `s1` and `s10`: a byte prefix without the level separator would join them.
        struct Fixture {
            let broker: Broker
            let s1: SessionCtl.CreatedSession
            let s10: SessionCtl.CreatedSession

            init(options: [(String, String)] = []) throws {
                broker = try Broker(options: options)
                s1 = try broker.sessionctl.createSession(["--id", "s1"])
                s10 = try broker.sessionctl.createSession(["--id", "s10"])
            }
        }

        @Test func membersTalkInsideTheirRoot() throws {
            let fixture = try Fixture()
            defer { fixture.broker.stop() }
            let listener = fixture.broker.client("listener")
            #expect(listener.connect(username: "listener", password: fixture.s1.password) == 0)
            #expect(listener.subscribe("s1/#") == 1)
            let sender = fixture.broker.client("sender", protocolVersion: .v5)
            #expect(sender.connect(username: "sender", password: fixture.s1.password) == 0)
            #expect(sender.publish("s1/room/temp", "21.5").map(isAccepted) == true)
            #expect(listener.waitForMessage(on: "s1/room/temp")?.payload == "21.5")
        }

        @Test func publishingOutsideTheRootIsRefused() throws {
            let fixture = try Fixture()
            defer { fixture.broker.stop() }
            // A member of s10 listens on its own root: nothing from s1 may reach it.
            let s10Listener = fixture.broker.client("s10-listener")
            #expect(s10Listener.connect(username: "listener", password: fixture.s10.password) == 0)
            #expect(s10Listener.subscribe("s10/#") == 1)
            let sender = fixture.broker.client("sender", protocolVersion: .v5)
            #expect(sender.connect(username: "sender", password: fixture.s1.password) == 0)
            for topic in ["s10/x", "s1", "other/x", "s1x/y"] {
                #expect(sender.publish(topic, "leak") == notAuthorisedV5, "\(topic)")
            }
            #expect(s10Listener.receivedMessages(settle: 0.3).isEmpty)
            #expect(
                fixture.broker.waitForLog(
                    "denied write 's10/x' to client 'sender' of session 's1': outside the session's topic root 's1/'"))
        }

        @Test(arguments: ["#", "+/x", "+/#", "s10/#", "$SYS/#", "$SYS/broker/uptime", "s1", "+"])
        func subscribingOutsideTheRootIsRefused(filter: String) throws {
            let fixture = try Fixture()
            defer { fixture.broker.stop() }
            let device = fixture.broker.client("dev")
            #expect(device.connect(username: "dev", password: fixture.s1.password) == 0)
            #expect(device.subscribe(filter) == subscriptionRefused)
        }

        @Test func anotherSessionsMessagesNeverArrive() throws {
            let fixture = try Fixture()
            defer { fixture.broker.stop() }
            let s1Listener = fixture.broker.client("s1-listener")
            #expect(s1Listener.connect(username: "listener", password: fixture.s1.password) == 0)
            #expect(s1Listener.subscribe("s1/#") == 1)
            let s10Sender = fixture.broker.client("s10-sender", protocolVersion: .v5)
            #expect(s10Sender.connect(username: "sender", password: fixture.s10.password) == 0)
            #expect(s10Sender.publish("s10/hello", "mine").map(isAccepted) == true)
            #expect(s10Sender.publish("s1/hello", "intruding") == notAuthorisedV5)
            #expect(s1Listener.receivedMessages(settle: 0.3).isEmpty)
        }

        @Test func sharedSubscriptionsAreJudgedByTheirFilter() throws {
            let fixture = try Fixture()
            defer { fixture.broker.stop() }
            let worker = fixture.broker.client("worker")
            #expect(worker.connect(username: "worker", password: fixture.s1.password) == 0)
            #expect(worker.subscribe("$share/workers/s1/jobs/#") == 1)
            for filter in ["$share/workers/s10/#", "$share/workers/#", "$share/workers/$SYS/#", "$share//s1/x"] {
                #expect(worker.subscribe(filter) == subscriptionRefused, "\(filter)")
            }
            let sender = fixture.broker.client("sender", protocolVersion: .v5)
            #expect(sender.connect(username: "sender", password: fixture.s1.password) == 0)
            #expect(sender.publish("s1/jobs/1", "work").map(isAccepted) == true)
            #expect(worker.waitForMessage(on: "s1/jobs/1")?.payload == "work")
        }

        @Test func leadingSlashTopicRootOption() throws {
            let fixture = try Fixture(options: [("topic_root", "/%s/")])
            defer { fixture.broker.stop() }
            let device = fixture.broker.client("dev", protocolVersion: .v5)
            #expect(device.connect(username: "dev", password: fixture.s1.password) == 0)
            #expect(device.subscribe("/s1/#") == 1)
            #expect(device.subscribe("s1/#") == subscriptionRefusedV5)
            #expect(device.publish("/s1/a", "ok").map(isAccepted) == true)
            #expect(device.waitForMessage(on: "/s1/a")?.payload == "ok")
            #expect(device.publish("s1/a", "no") == notAuthorisedV5)
        }
    }
}
