import BrokerStubs
import CMosquittoBroker
import Foundation
import SessionStore
import Testing

/// CONNECT, ACL checks, ticks and disconnects through the registered callbacks, with a real store.
extension PluginABISuite {
    @Suite struct PluginCallbackTests {
        @Test func pinLoginThenTopicsConfinedToTheSessionRoot() throws {
            let plugin = try PluginHarness()
            try plugin.addSession(id: "s1", pin: "123456")
            try plugin.addSession(id: "s10", pin: "654321")
            plugin.start()
            let device = plugin.client("dev1")
            #expect(stub_basic_auth(device, "dev1", "s1:123456") == authOK)
            #expect(stub_acl_check(device, "s1/temp", MOSQ_ACL_WRITE) == authOK)
            #expect(stub_acl_check(device, "s1/#", MOSQ_ACL_SUBSCRIBE) == authOK)
            #expect(stub_acl_check(device, "s1/temp", MOSQ_ACL_READ) == authOK)
            for topic in ["s10/temp", "s1", "$SYS/broker/uptime", "other/x"] {
                #expect(stub_acl_check(device, topic, MOSQ_ACL_WRITE) == aclDenied, "\(topic)")
                #expect(stub_acl_check(device, topic, MOSQ_ACL_READ) == aclDenied, "\(topic)")
            }
            for filter in ["#", "+/temp", "+/#", "s10/#", "$SYS/#"] {
                #expect(stub_acl_check(device, filter, MOSQ_ACL_SUBSCRIBE) == aclDenied, "\(filter)")
            }
            #expect(
                plugin.logLines.contains { $0.contains("denied write 's10/temp' to client 'dev1' of session 's1'") })
        }

        @Test func controlCharactersInATopicCannotForgeALogLine() throws {
            let plugin = try PluginHarness()
            try plugin.addSession(id: "s1", pin: "111111")
            plugin.start()
            let device = plugin.client("dev")
            #expect(stub_basic_auth(device, "dev", "s1:111111") == authOK)
            let long = String(repeating: "x", count: 5_000)
            #expect(
                stub_acl_check(device, "evil\n1700000000: session-auth: allowed\u{1b}[2J", MOSQ_ACL_WRITE) == aclDenied)
            #expect(stub_acl_check(device, long, MOSQ_ACL_WRITE) == aclDenied)
            let denials = plugin.logLines.filter { $0.contains("denied write") }
            #expect(denials.count == 2)
            #expect(denials.allSatisfy { !$0.utf8.contains(where: { $0 < 0x20 }) })
            #expect(denials.first?.contains("evil\\x0a1700000000") == true)
            #expect(denials.allSatisfy { $0.utf8.count < 1_100 })
        }

        @Test func refusalsAreLoggedWithoutThePin() throws {
            let plugin = try PluginHarness()
            try plugin.addSession(id: "s1", pin: "123456")
            plugin.start()
            #expect(stub_basic_auth(plugin.client("dev1"), "dev1", "s1:999999") == authRefused)
            #expect(stub_basic_auth(plugin.client("dev2"), "dev/2", "s1:123456") == authRefused)
            #expect(stub_basic_auth(plugin.client("dev3"), "dev3", "nosuch:123456") == authRefused)
            #expect(stub_basic_auth(plugin.client("dev4"), "dev4", nil) == authRefused)
            let refusals = plugin.logLines.filter { $0.contains("refused client") }
            #expect(refusals.count == 4)
            #expect(refusals.contains { $0.contains("wrong pin for session 's1'") })
            #expect(refusals.contains { $0.contains("username has a character outside") })
            #expect(refusals.contains { $0.contains("no session 'nosuch'") })
            #expect(
                !plugin.logLines.contains { $0.contains("999999") || $0.contains("123456") || $0.contains("dev/2") })
        }

        @Test func unrecognisedCredentialsAreDeferredOnlyWhenConfigured() throws {
            let plugin = try PluginHarness()
            plugin.start(options: [("db_path", plugin.databasePath), ("unknown_users", "defer")])
            let other = plugin.client("other")
            #expect(stub_basic_auth(other, "someone", "not-a-pin-credential") == deferred)
            #expect(stub_acl_check(other, "anything", MOSQ_ACL_WRITE) == deferred)
            // A credential that is ours but wrong is refused, never passed on.
            try plugin.addSession(id: "s1", pin: "123456")
            plugin.tickPastRefresh()
            #expect(stub_basic_auth(plugin.client("dev"), "dev", "s1:000000") == authRefused)
        }

        @Test func closingASessionKicksOnlyItsClientsFromTheTick() throws {
            let plugin = try PluginHarness()
            try plugin.addSession(id: "s1", pin: "111111")
            try plugin.addSession(id: "s2", pin: "222222")
            plugin.start()
            // The same device name in two sessions: tracked by connection, not by username.
            let inS1 = plugin.client("s1-sensor1")
            let inS2 = plugin.client("s2-sensor1")
            #expect(stub_basic_auth(inS1, "sensor1", "s1:111111") == authOK)
            #expect(stub_basic_auth(inS2, "sensor1", "s2:222222") == authOK)
            try plugin.closeSession("s1")
            #expect(plugin.kickedClientIDs.isEmpty, "no kick may happen outside the tick")
            plugin.tickPastRefresh()
            #expect(plugin.kickedClientIDs == ["s1-sensor1"])
            #expect(stub_kicked_with_will(0) == false)
            #expect(stub_acl_check(inS1, "s1/x", MOSQ_ACL_WRITE) == aclDenied)
            #expect(stub_acl_check(inS2, "s2/x", MOSQ_ACL_WRITE) == authOK)
            #expect(stub_basic_auth(plugin.client("again"), "sensor1", "s1:111111") == authRefused)
            // A kicked client is forgotten: later ticks do not kick it again.
            plugin.tickPastRefresh()
            #expect(plugin.kickedClientIDs.count == 1)
        }

        /// A refresh pulled in by a login (not a tick) already cuts the closed session's clients off;
        /// only the disconnect waits for the tick.
        @Test func closedSessionIsDeniedAtOnceAndKickedAtTheNextTick() throws {
            let plugin = try PluginHarness()
            try plugin.addSession(id: "s1", pin: "111111")
            try plugin.addSession(id: "s2", pin: "222222")
            plugin.start()
            let doomed = plugin.client("doomed")
            #expect(stub_basic_auth(doomed, "dev", "s1:111111") == authOK)
            try plugin.closeSession("s1")
            Thread.sleep(forTimeInterval: 0.15)
            #expect(stub_basic_auth(plugin.client("other"), "dev", "s2:222222") == authOK)
            #expect(stub_acl_check(doomed, "s1/x", MOSQ_ACL_READ) == aclDenied)
            #expect(plugin.kickedClientIDs.isEmpty)
            _ = stub_tick()
            #expect(plugin.kickedClientIDs == ["doomed"])
        }

        /// A session end (Unix seconds) 1.5 to 2 s ahead: taken in the first half of a second, so that
        /// starting the plugin and logging in on a loaded machine cannot run past it (an end one second
        /// ahead of any moment was sometimes already past at the login).
        static func sessionEndSoon() -> Int64 {
            var now = Date().timeIntervalSince1970
            let fraction = now - now.rounded(.down)
            if fraction >= 0.5 {
                Thread.sleep(forTimeInterval: 1 - fraction)
                now = Date().timeIntervalSince1970
            }
            return Int64(now.rounded(.down)) + 2
        }

        static func sleep(untilJustAfter end: Int64) {
            let wait = Double(end) + 0.2 - Date().timeIntervalSince1970
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        }

        @Test func expiredSessionIsKickedWithNoStoreChange() throws {
            let plugin = try PluginHarness()
            let end = Self.sessionEndSoon()
            try plugin.addSession(id: "s1", pin: "111111", expiresAt: end)
            plugin.start()
            #expect(stub_basic_auth(plugin.client("dev"), "dev", "s1:111111") == authOK)
            Self.sleep(untilJustAfter: end)
            _ = stub_tick()
            #expect(plugin.kickedClientIDs == ["dev"])
        }

        @Test func aRepeatedTopicIsDeniedOnceTheSessionHasExpired() throws {
            let plugin = try PluginHarness()
            let end = Self.sessionEndSoon()
            try plugin.addSession(id: "s1", pin: "111111", expiresAt: end)
            plugin.start()
            let device = plugin.client("dev")
            #expect(stub_basic_auth(device, "dev", "s1:111111") == authOK)
            #expect(stub_acl_check(device, "s1/x", MOSQ_ACL_WRITE) == authOK)
            #expect(stub_acl_check(device, "s1/x", MOSQ_ACL_WRITE) == authOK, "the remembered topic")
            Self.sleep(untilJustAfter: end)
            // No tick: the check itself must see the end, not only the kick.
            #expect(stub_acl_check(device, "s1/x", MOSQ_ACL_WRITE) == aclDenied)
            #expect(stub_acl_check(device, "s1/x", MOSQ_ACL_READ) == aclDenied)
        }

        @Test func disconnectForgetsTheClient() throws {
            let plugin = try PluginHarness()
            try plugin.addSession(id: "s1", pin: "111111")
            plugin.start()
            let device = plugin.client("dev")
            #expect(stub_basic_auth(device, "dev", "s1:111111") == authOK)
            #expect(stub_disconnect(device) == authOK)
            // Mosquitto checks the will after reporting the disconnect: still judged by the rules.
            #expect(stub_acl_check(device, "s1/will", MOSQ_ACL_WRITE) == authOK)
            #expect(stub_acl_check(device, "s2/will", MOSQ_ACL_WRITE) == aclDenied)
            _ = stub_tick()
            #expect(stub_acl_check(device, "s1/x", MOSQ_ACL_WRITE) == aclDenied)
            try plugin.closeSession("s1")
            plugin.tickPastRefresh()
            #expect(plugin.kickedClientIDs.isEmpty)
        }

        @Test func departedClientOfAClosedSessionIsNotKicked() throws {
            let plugin = try PluginHarness()
            try plugin.addSession(id: "s1", pin: "111111")
            plugin.start()
            let device = plugin.client("dev")
            #expect(stub_basic_auth(device, "dev", "s1:111111") == authOK)
            #expect(stub_disconnect(device) == authOK)
            try plugin.closeSession("s1")
            plugin.tickPastRefresh()
            #expect(plugin.kickedClientIDs.isEmpty)
        }

        /// Evicted at a refresh pulled in by a login, but its client id reconnected into another session
        /// before the tick: the newcomer must not be kicked.
        @Test func evictedClientIdTakenByANewcomerIsNotKicked() throws {
            let plugin = try PluginHarness()
            try plugin.addSession(id: "s1", pin: "111111")
            try plugin.addSession(id: "s2", pin: "222222")
            plugin.start()
            #expect(stub_basic_auth(plugin.client("shared-id"), "dev", "s1:111111") == authOK)
            try plugin.closeSession("s1")
            Thread.sleep(forTimeInterval: 0.15)
            let newcomer = plugin.client("shared-id")
            #expect(stub_basic_auth(newcomer, "dev", "s2:222222") == authOK)
            _ = stub_tick()
            #expect(plugin.kickedClientIDs.isEmpty)
            #expect(stub_acl_check(newcomer, "s2/x", MOSQ_ACL_WRITE) == authOK)
        }

        @Test func missingStoreAtStartRefusesLoginsUntilItAppears() throws {
            let plugin = try PluginHarness(createStore: false)
            #expect(plugin.start() == authOK, "the broker must start without the store")
            #expect(stub_basic_auth(plugin.client("dev"), "dev", "s1:111111") == authRefused)
            #expect(plugin.logLines.contains { $0.contains("no store at \(plugin.databasePath)") })
            #expect(plugin.logLines.contains { $0.contains("the session store cannot be read") })
            _ = try SessionStore.initialise(at: plugin.databasePath)
            try plugin.addSession(id: "s1", pin: "111111")
            Thread.sleep(forTimeInterval: 1.1)
            _ = stub_tick()
            #expect(stub_basic_auth(plugin.client("dev2"), "dev2", "s1:111111") == authOK)
        }
    }
}
