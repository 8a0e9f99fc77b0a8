import Foundation
import Testing

extension IntegrationSuite {
    /// Issue 8: the plugin's counters under `$SYS/broker/plugin/session-auth/`, on the real broker, read by
    /// a client the broker's own password_file and acl_file let read `$SYS` (with `unknown_users defer`),
    /// and refused to session members.
    @Suite struct MetricsTests {
        @Test func countersAfterKnownEventsAreReadableOnlyWhereTheBrokerAllowsSys() throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sys-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let passwords = folder.appendingPathComponent("passwords").path
            let acl = folder.appendingPathComponent("acl").path
            let made = try Subprocess.run(
                "/usr/bin/mosquitto_passwd", ["-c", "-b", passwords, "operator", "op-secret"])
            #expect(made.status == 0, "\(made.stderr)")
            try "user operator\ntopic read $SYS/#\n".write(toFile: acl, atomically: true, encoding: .utf8)
            let broker = try Broker(
                options: [("unknown_users", "defer"), ("sys_interval", "1")],
                extraConfig: "password_file \(passwords)\nacl_file \(acl)\n")
            defer { broker.stop() }

            let session = try broker.sessionctl.createSession()
            let closed = try broker.sessionctl.createSession()
            try broker.sessionctl.close(closed.id)
            let member = broker.client("member")
            #expect(member.connect(username: "dev", password: session.password) == 0)
            #expect(member.publish("\(session.id)/a", "1").map(isAccepted) == true)
            #expect(member.subscribe("$SYS/#") == subscriptionRefused)
            #expect(
                broker.client("wrong").connect(username: "dev", password: "\(session.id):000000") == notAuthorisedV311)
            #expect(broker.client("gone").connect(username: "dev", password: closed.password) == notAuthorisedV311)

            let reader = broker.client("sys-reader")
            #expect(reader.connect(username: "operator", password: "op-secret") == 0)
            #expect(reader.subscribe("$SYS/broker/plugin/session-auth/#") == 1)
            Thread.sleep(forTimeInterval: 2.2)
            var latest: [String: String] = [:]
            for message in reader.receivedMessages() { latest[message.topic] = message.payload }
            let prefix = "$SYS/broker/plugin/session-auth/"
            #expect(latest[prefix + "logins/allowed/pin"] == "1", "\(latest)")
            #expect(latest[prefix + "logins/refused/wrong_pin"] == "1")
            #expect(latest[prefix + "logins/refused/session_not_open"] == "1")
            #expect(latest[prefix + "logins/deferred"] == "1", "the operator's login went to password_file")
            #expect(latest[prefix + "sessions/open"] == "1")
            #expect(latest[prefix + "clients/connected"] == "1")
            #expect(Int(latest[prefix + "acl/allowed"] ?? "") ?? 0 >= 1)
            #expect(Int(latest[prefix + "acl/denied"] ?? "") ?? 0 >= 1)
        }
    }
}
