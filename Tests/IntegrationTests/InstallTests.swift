import Foundation
import Testing

extension IntegrationSuite {
    /// `make install` into a staging root (DESTDIR): the broker runs the installed plugin as the
    /// `mosquitto` user against a store in the installed folder, and `make uninstall` removes the files.
    @Suite struct InstallTests {
        @Test func installedPluginServesPinLoginsAsTheBrokerUser() throws {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("root-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path)
            defer { try? FileManager.default.removeItem(at: root) }
            let environment = ProcessInfo.processInfo.environment.merging(
                ["DESTDIR": root.path, "PREFIX": "/usr", "SWIFT": "false"]) { _, new in new }
            let make = { (target: String) throws -> CommandResult in
                try Subprocess.run(
                    "/usr/bin/make", ["-s", "-C", BuildArtifacts.repositoryRoot.path, target], environment: environment)
            }
            let installed = try make("install")
            #expect(installed.status == 0, "\(installed.stdout)\(installed.stderr)")

            let plugin = root.path + "/usr/lib/x86_64-linux-gnu/mosquitto_session_auth.so"
            let sessionctl = root.path + "/usr/bin/sessionctl"
            let storeFolder = root.path + "/var/lib/mosquitto-session-auth"
            for path in [
                plugin, sessionctl, root.path + "/etc/mosquitto/conf.d/session-auth.conf.example",
                root.path + "/usr/share/bash-completion/completions/sessionctl",
            ] {
                #expect(FileManager.default.fileExists(atPath: path), "\(path) was not installed")
            }
            let example = try String(
                contentsOfFile: root.path + "/etc/mosquitto/conf.d/session-auth.conf.example", encoding: .utf8)
            #expect(example.contains("plugin /usr/lib/x86_64-linux-gnu/mosquitto_session_auth.so"))
            #expect(example.contains("plugin_opt_db_path /var/lib/mosquitto-session-auth/sessions.db"))
            let folder = try FileManager.default.attributesOfItem(atPath: storeFolder)
            #expect((folder[.posixPermissions] as? Int) == 0o750)

            // The operator initialises the store as root, as the README says; the broker reads it as mosquitto.
            let database = storeFolder + "/sessions.db"
            #expect(try Subprocess.run(sessionctl, ["init", "--db", database]).status == 0)
            let created = try Subprocess.run(sessionctl, ["create", "--db", database, "--json"])
            let session = try #require(
                try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])
            let password = "\(session["id"] as? String ?? ""):\(session["pin"] as? String ?? "")"
            let runAs = NSUserName() == "root" ? "mosquitto" : NSUserName()
            let broker = try Broker(installed: (plugin, database, runAs))
            defer { broker.stop() }
            let device = broker.client("installed-device", protocolVersion: .v5)
            #expect(device.connect(username: "dev", password: password) == 0, "broker log:\n\(broker.log)")
            #expect(device.subscribe("\(session["id"] as? String ?? "")/#") == 1)
            broker.stop()

            let removed = try make("uninstall")
            #expect(removed.status == 0, "\(removed.stderr)")
            #expect(
                !FileManager.default.fileExists(atPath: plugin) && !FileManager.default.fileExists(atPath: sessionctl))
            #expect(FileManager.default.fileExists(atPath: database), "uninstall must keep the operator's store")
        }
    }
}
