import Foundation
import Testing

extension IntegrationSuite {
    /// Plugin options on the real broker: bad ones stop it with one line; both loading styles work.
    @Suite struct BrokerOptionsTests {
        @Test(arguments: [
            ([("no_such_option", "1")], "session-auth: unknown option 'no_such_option'"),
            ([("pin_login", "maybe")], "session-auth: option 'pin_login' has a bad value 'maybe'"),
            ([("topic_root", "fixed/")], "session-auth: option 'topic_root' has a bad value 'fixed/'"),
            ([("clientid_policy", "strict")], "session-auth: option 'clientid_policy' has a bad value 'strict'"),
        ])
        func badOptionStopsTheBroker(options: [(String, String)], line: String) throws {
            let (status, log) = try Broker.startExpectingFailure(options: options)
            #expect(status != 0)
            #expect(log.components(separatedBy: "\n").filter { $0.contains(line) }.count == 1, "log:\n\(log)")
        }

        @Test func loadsAsLegacyAuthPluginWithAuthOpt() throws {
            let broker = try Broker(options: [("topic_root", "rooms/%s/")], legacyAuthPlugin: true)
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession()
            let device = broker.client("dev", protocolVersion: .v5)
            #expect(device.connect(username: "dev", password: session.password) == 0)
            #expect(device.subscribe("rooms/\(session.id)/#") == 1)
            #expect(device.subscribe("\(session.id)/#") == subscriptionRefusedV5)
            #expect(device.publish("rooms/\(session.id)/x", "via auth_opt").map(isAccepted) == true)
            #expect(device.waitForMessage(on: "rooms/\(session.id)/x")?.payload == "via auth_opt")
        }

        @Test func pinLoginCanBeDisabled() throws {
            let broker = try Broker(options: [("pin_login", "false")])
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession()
            #expect(broker.client("dev").connect(username: "dev", password: session.password) == notAuthorisedV311)
            #expect(broker.waitForLog("pin login is disabled"))
        }

        @Test func clientIdBoundToUsername() throws {
            let broker = try Broker(options: [("clientid_policy", "username")])
            defer { broker.stop() }
            let session = try broker.sessionctl.createSession()
            #expect(broker.client("other-id").connect(username: "dev", password: session.password) == notAuthorisedV311)
            #expect(broker.client("dev").connect(username: "dev", password: session.password) == 0)
        }

        @Test func brokerStartsWithoutAStoreAndPicksItUp() throws {
            let broker = try Broker(initialiseStore: false)
            defer { broker.stop() }
            #expect(broker.waitForLog("no store at \(broker.databasePath)"))
            try broker.sessionctl.initialise()
            let session = try broker.sessionctl.createSession()
            Thread.sleep(forTimeInterval: 1.2)
            #expect(broker.client("dev").connect(username: "dev", password: session.password) == 0)
        }
    }
}
