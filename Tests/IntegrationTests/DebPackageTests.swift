import Foundation
import Testing

extension IntegrationSuite {
    /// `make deb`, then the package installed by the real dpkg into a temporary root, never the machine's:
    /// `dpkg --root` with its own database there, and `--force-script-chrootless`, so the maintainer
    /// scripts run on this system with `DPKG_ROOT` set to the root (the postinst puts every path under it;
    /// a bare root has no shell to chroot into). `--force-depends` because that root's database has no
    /// mosquitto or libc: the files they would provide are this machine's. The broker then runs the
    /// root's plugin, store and keys as the `mosquitto` user, with pins and with a token from the root's
    /// `sessionctl join`; remove and purge keep the store.
    @Suite struct DebPackageTests {
        static let paths = (
            plugin: "/usr/lib/x86_64-linux-gnu/mosquitto_session_auth.so",
            sessionctl: "/usr/bin/sessionctl",
            example: "/etc/mosquitto/conf.d/session-auth.conf.example",
            storeFolder: "/var/lib/mosquitto-session-auth"
        )

        @Test func thePackageInstallsAStoreAndServesPinAndTokenLogins() throws {
            let work = FileManager.default.temporaryDirectory.appendingPathComponent("deb-\(UUID().uuidString)")
            let root = work.appendingPathComponent("root").path
            for folder in ["", "/var/lib/dpkg/info", "/var/lib/dpkg/updates", "/var/lib/dpkg/triggers"] {
                try FileManager.default.createDirectory(atPath: root + folder, withIntermediateDirectories: true)
            }
            // The broker, as the mosquitto user, must reach the store's folder inside the root.
            for folder in [work.path, root] {
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder)
            }
            defer { try? FileManager.default.removeItem(at: work) }
            try Data().write(to: URL(fileURLWithPath: root + "/var/lib/dpkg/status"))

            // gzip rather than xz: the same files in a third of the time.
            let environment = ProcessInfo.processInfo.environment.merging([
                "DEB_OUTPUT_DIR": work.path, "DEB_COMPRESSION": "gzip", "VERSION": "0.1.0", "SWIFT": "false",
                "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ]) { _, new in new }
            let made = try Subprocess.run(
                "/usr/bin/make", ["-s", "-C", BuildArtifacts.repositoryRoot.path, "deb"], environment: environment,
                timeout: 600)
            try #require(made.status == 0, "make deb failed: \(made.stdout)\(made.stderr)")
            let package = work.appendingPathComponent("mosquitto-session-auth_0.1.0_amd64.deb").path
            try #require(FileManager.default.fileExists(atPath: package), "\(made.stdout)")

            let info = try Subprocess.run("/usr/bin/dpkg-deb", ["--info", package])
            #expect(info.status == 0, "\(info.stderr)")
            let depends = info.stdout.split(separator: "\n").first { $0.hasPrefix(" Depends: ") }.map(String.init) ?? ""
            #expect(!depends.lowercased().contains("swift"), "\(depends)")
            for needed in ["mosquitto (>= 2.0)", "libc6", "libssl3", "libsqlite3-0", "libstdc++6", "libgcc-s1"] {
                #expect(depends.contains(needed), "Depends lacks \(needed): \(depends)")
            }
            #expect(info.stdout.contains(" Version: 0.1.0\n") && info.stdout.contains(" Architecture: amd64\n"))
            #expect(
                info.stdout.contains("postinst") && info.stdout.contains("postrm") && info.stdout.contains("conffiles"))

            let contents = try Subprocess.run("/usr/bin/dpkg-deb", ["--contents", package])
            #expect(contents.status == 0, "\(contents.stderr)")
            for path in [
                Self.paths.plugin, Self.paths.sessionctl, Self.paths.example,
                "/usr/share/bash-completion/completions/sessionctl", "/usr/share/zsh/vendor-completions/_sessionctl",
                "/usr/share/fish/vendor_completions.d/sessionctl.fish",
            ] {
                let line = contents.stdout.split(separator: "\n").first { $0.hasSuffix(" .\(path)") }
                #expect(line?.contains(" root/root ") == true, "\(path) not packaged as root's: \(line ?? "missing")")
            }
            #expect(!contents.stdout.contains("/var/lib/"), "the store's folder is the postinst's, not a packaged file")

            let isRoot = geteuid() == 0
            let dpkg = { (arguments: [String]) throws -> CommandResult in
                try Subprocess.run(
                    "/usr/bin/dpkg",
                    ["--root=\(root)", "--log=\(work.path)/dpkg.log", "--force-script-chrootless", "--force-depends"]
                        + (isRoot ? [] : ["--force-not-root"]) + arguments,
                    environment: environment, timeout: 300)
            }
            let installed = try dpkg(["--install", package])
            try #require(installed.status == 0, "dpkg -i failed: \(installed.stdout)\(installed.stderr)")
            #expect(installed.stdout.contains("created the session store"), "\(installed.stdout)")

            let plugin = root + Self.paths.plugin
            let sessionctl = root + Self.paths.sessionctl
            let storeFolder = root + Self.paths.storeFolder
            let database = storeFolder + "/sessions.db"
            let jwks = storeFolder + "/keys/jwks.json"
            let example = try String(contentsOfFile: root + Self.paths.example, encoding: .utf8)
            #expect(example.contains("\nplugin \(Self.paths.plugin)\n"))
            #expect(example.contains("\nplugin_opt_db_path \(Self.paths.storeFolder)/sessions.db\n"))
            let folder = try FileManager.default.attributesOfItem(atPath: storeFolder)
            #expect((folder[.posixPermissions] as? Int) == 0o750)
            let privateKeys = try FileManager.default.contentsOfDirectory(atPath: storeFolder + "/keys/private")
            for name in privateKeys {
                let attributes = try FileManager.default.attributesOfItem(atPath: storeFolder + "/keys/private/" + name)
                #expect((attributes[.posixPermissions] as? Int) == 0o600, "keys/private/\(name)")
            }
            #expect(privateKeys.contains { $0.hasSuffix(".pem") }, "no signing key: \(privateKeys)")
            if isRoot {
                #expect((folder[.ownerAccountName] as? String) == "mosquitto")
                let store = try FileManager.default.attributesOfItem(atPath: database)
                #expect(
                    (store[.ownerAccountName] as? String) == "mosquitto" && (store[.posixPermissions] as? Int) == 0o640)
                let keys = try FileManager.default.attributesOfItem(atPath: jwks)
                #expect(
                    (keys[.ownerAccountName] as? String) == "root"
                        && (keys[.groupOwnerAccountName] as? String) == "mosquitto")
                let privateFolder = try FileManager.default.attributesOfItem(atPath: storeFolder + "/keys/private")
                #expect(
                    (privateFolder[.ownerAccountName] as? String) == "root"
                        && (privateFolder[.posixPermissions] as? Int) == 0o700)
            }

            // The operator runs the root's sessionctl as root; the broker reads the store as mosquitto.
            let ctl = { (arguments: [String]) throws -> [String: Any] in
                let result = try Subprocess.run(sessionctl, arguments + ["--db", database, "--json"])
                guard result.status == 0,
                    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
                else { throw HarnessError("sessionctl \(arguments) failed: \(result.stdout)\(result.stderr)") }
                return object
            }
            let runAs = isRoot ? "mosquitto" : NSUserName()
            let broker = try Broker(
                options: [("jwt_keys", jwks)], initialiseStore: false, installed: (plugin, database, runAs))
            defer { broker.stop() }
            let session = try ctl(["create", "--type", "telemetry"])
            let id = try #require(session["id"] as? String)
            let pin = try #require(session["pin"] as? String)

            let pinDevice = broker.client("sensor1", protocolVersion: .v5)
            #expect(pinDevice.connect(username: "sensor1", password: "\(id):\(pin)") == 0, "broker log:\n\(broker.log)")
            #expect(pinDevice.publish("\(id)/dt/temp/sensor1/c", "21.5").map(isAccepted) == true)
            #expect(pinDevice.publish("\(id)/dt/temp/sensor9/c", "21.5").map(isAccepted) == false)

            let joined = try ctl(["join", id, pin, "--device", "sensor2"])
            let token = try #require(joined["token"] as? String)
            let tokenDevice = broker.client("sensor2", protocolVersion: .v5)
            #expect(tokenDevice.connect(username: "sensor2", password: token) == 0, "broker log:\n\(broker.log)")
            #expect(tokenDevice.publish("\(id)/dt/temp/sensor2/c", "19.0").map(isAccepted) == true)
            #expect(
                broker.waitForLog("allowed client 'sensor2' as 'sensor2' in session '\(id)' (token)"), "\(broker.log)")
            broker.stop()

            // Remove and purge take the package's files and leave the operator's store and keys.
            let removed = try dpkg(["--remove", "mosquitto-session-auth"])
            #expect(removed.status == 0, "\(removed.stdout)\(removed.stderr)")
            #expect(
                !FileManager.default.fileExists(atPath: plugin) && !FileManager.default.fileExists(atPath: sessionctl))
            #expect(FileManager.default.fileExists(atPath: database) && FileManager.default.fileExists(atPath: jwks))
            let purged = try dpkg(["--purge", "mosquitto-session-auth"])
            #expect(purged.status == 0, "\(purged.stdout)\(purged.stderr)")
            #expect(!FileManager.default.fileExists(atPath: root + Self.paths.example), "purge keeps the conffile")
            #expect(FileManager.default.fileExists(atPath: database), "purge must keep the operator's store")
            #expect(purged.stderr.contains("kept \(storeFolder)"), "\(purged.stderr)")
        }
    }
}
