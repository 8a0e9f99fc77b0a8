import BrokerStubs
import CMosquittoBroker
import Foundation
import SessionAuthCore
import Testing

/// The `$SYS` counters after known events, and what `log_level` lets through.
extension PluginABISuite {
    @Suite struct MetricsAndLogLevelTests {
        static func published() -> [String: String] {
            var latest: [String: String] = [:]
            for index in 0..<stub_publish_count() {
                guard let topic = stub_published_topic(index), let payload = stub_published_payload(index) else {
                    continue
                }
                latest[String(cString: topic)] = String(cString: payload)
            }
            return latest
        }

        @Test func countersArePublishedUnderSysAfterKnownEvents() throws {
            let plugin = try PluginHarness()
            try plugin.addSession(id: "s1", pin: "123456")
            try plugin.addSession(id: "s2", pin: "222222")
            try plugin.closeSession("s2")
            plugin.start(options: [("db_path", plugin.databasePath), ("sys_interval", "1"), ("pin_max_failures", "2")])
            let device = plugin.client("dev1")
            #expect(stub_basic_auth(device, "dev1", "s1:123456") == authOK)
            #expect(stub_basic_auth(plugin.client("x1"), "dev2", "s1:000000") == authRefused)
            #expect(stub_basic_auth(plugin.client("x2"), "dev2", "s1:000001") == authRefused)
            #expect(stub_basic_auth(plugin.client("x3"), "dev2", "s2:222222") == authRefused)
            #expect(stub_basic_auth(plugin.client("x4"), "a/b", "s1:123456") == authRefused)
            #expect(stub_acl_check(device, "s1/ok", MOSQ_ACL_WRITE) == authOK)
            #expect(stub_acl_check(device, "s1/ok", MOSQ_ACL_WRITE) == authOK, "a repeated topic counts too")
            #expect(stub_acl_check(device, "s1/ok", MOSQ_ACL_READ) == authOK)
            #expect(stub_acl_check(device, "s2/no", MOSQ_ACL_WRITE) == aclDenied)
            try plugin.closeSession("s1")
            plugin.tickPastRefresh()
            Thread.sleep(forTimeInterval: 1.0)
            _ = stub_tick()

            let counters = Self.published()
            let prefix = PluginMetrics.topicPrefix
            #expect(counters[prefix + "logins/allowed/pin"] == "1")
            #expect(counters[prefix + "logins/allowed/token"] == "0")
            #expect(counters[prefix + "logins/refused/wrong_pin"] == "2")
            #expect(counters[prefix + "logins/refused/session_not_open"] == "1")
            #expect(counters[prefix + "logins/refused/identity"] == "1")
            #expect(counters[prefix + "logins/refused/total"] == "4")
            #expect(counters[prefix + "lockouts"] == "1")
            #expect(counters[prefix + "acl/allowed"] == "3")
            #expect(counters[prefix + "acl/denied"] == "1")
            #expect(counters[prefix + "kicks"] == "1")
            #expect(counters[prefix + "sessions/open"] == "0")
            #expect(counters[prefix + "clients/connected"] == "0")
            #expect(Int(counters[prefix + "reloads/store"] ?? "") ?? 0 >= 2)
            // Every refusal group is published from the start, so a dashboard finds each topic.
            for name in LoginRefusal.metricNames {
                #expect(counters[prefix + "logins/refused/" + name] != nil, "\(name)")
            }
        }

        @Test func withSysIntervalZeroNothingIsPublished() throws {
            let plugin = try PluginHarness()
            plugin.start(options: [("db_path", plugin.databasePath), ("sys_interval", "0")])
            plugin.tickPastRefresh()
            #expect(stub_publish_count() == 0)
        }

        @Test func logLevelFiltersLinesAndDebugNamesEachDecision() throws {
            let quiet = try PluginHarness()
            try quiet.addSession(id: "s1", pin: "123456")
            quiet.start(options: [("db_path", quiet.databasePath), ("log_level", "notice")])
            let device = quiet.client("dev1")
            #expect(stub_basic_auth(device, "dev1", "s1:123456") == authOK)
            #expect(stub_basic_auth(quiet.client("bad"), "dev1", "s1:999999") == authRefused)
            #expect(stub_acl_check(device, "s1/ok", MOSQ_ACL_WRITE) == authOK)
            #expect(!quiet.logLines.contains { $0.contains("allowed client") })
            #expect(quiet.logLines.contains { $0.contains("refused client 'bad'") })
            quiet.stop()

            let verbose = try PluginHarness()
            try verbose.addSession(id: "s1", pin: "123456")
            verbose.start(options: [("db_path", verbose.databasePath), ("log_level", "debug")])
            let member = verbose.client("dev1")
            #expect(stub_basic_auth(member, "dev1", "s1:123456") == authOK)
            #expect(stub_acl_check(member, "s1/ok", MOSQ_ACL_WRITE) == authOK)
            #expect(verbose.logLines.contains { $0.contains("allowed client 'dev1' as 'dev1' in session 's1'") })
            #expect(stub_acl_check(member, "s1/ok", MOSQ_ACL_WRITE) == authOK)
            // The repeated topic too: every allow has its debug line.
            #expect(
                verbose.logLines.filter { $0.contains("allowed write 's1/ok' to client 'dev1' of session 's1'") }.count
                    == 2)
            #expect(!verbose.logLines.contains { $0.contains("123456") }, "a pin reached the log")
        }
    }
}
