import Foundation

/// A real Mosquitto 2.0 (Debian's /usr/sbin/mosquitto) on a free loopback port with the built plugin,
/// in a temporary folder of its own. Stop it with `stop()` (or let it go out of scope).
final class Broker {
    let directory: URL
    private(set) var port: Int
    let databasePath: String
    let logPath: String
    private var process: SpawnedProcess?
    var sessionctl: SessionCtl { SessionCtl(databasePath: databasePath) }

    /// - Parameters:
    ///   - options: plugin options besides db_path (without the prefix).
    ///   - legacyAuthPlugin: load with `auth_plugin` / `auth_opt_*` instead of `plugin` / `plugin_opt_*`.
    ///   - initialiseStore: run `sessionctl init` before the broker starts.
    ///   - installed: run an installed plugin and store instead of build/'s, as `user` (the broker
    ///     switches to it when started as root, as Debian's service does).
    init(
        options: [(String, String)] = [], legacyAuthPlugin: Bool = false, initialiseStore: Bool = true,
        installed: (plugin: String, databasePath: String, user: String)? = nil, sessionctlKeys: Bool = false,
        extraConfig: String = ""
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("broker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The broker writes its log here after switching user.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory.path)
        databasePath = installed?.databasePath ?? directory.appendingPathComponent("sessions.db").path
        logPath = directory.appendingPathComponent("broker.log").path
        port = 0
        if initialiseStore { try SessionCtl(databasePath: databasePath).initialise() }

        let pluginKeyword = legacyAuthPlugin ? "auth_plugin" : "plugin"
        let optionPrefix = legacyAuthPlugin ? "auth_opt_" : "plugin_opt_"
        let configPath = directory.appendingPathComponent("mosquitto.conf").path
        // The port is free when chosen but may be taken before mosquitto binds it (another test's client
        // got it as its ephemeral port): a broker that exits at once is started again on another port.
        for attempt in 1...3 {
            port = try FreePort.find()
            var config = """
                per_listener_settings false
                listener \(port) 127.0.0.1
                allow_anonymous false
                persistence false
                user \(installed?.user ?? NSUserName())
                log_dest file \(logPath)
                log_type all
                \(pluginKeyword) \(try installed?.plugin ?? BuildArtifacts.plugin)
                \(optionPrefix)db_path \(databasePath)

                """
            for (key, value) in options { config += "\(optionPrefix)\(key) \(value)\n" }
            // The public keys `sessionctl init` made beside the store, as its printed config says.
            if sessionctlKeys { config += "\(optionPrefix)jwt_keys \(keysPath)\n" }
            config += extraConfig
            try config.write(toFile: configPath, atomically: true, encoding: .utf8)

            let command = BrokerCommand.resolve(["-c", configPath])
            let spawned = try SpawnedProcess(
                command.executable, command.arguments, environment: command.environment, outputDirectory: directory)
            process = spawned
            if waitUntilListening(timeout: 10) { return }
            let output = spawned.stderr
            let exitedAtOnce = !spawned.isRunning
            spawned.stop()
            let how =
                exitedAtOnce
                ? "exited with status \(spawned.exitStatus.map(String.init) ?? "unknown")"
                : "still running, not listening"
            if attempt == 3 || !exitedAtOnce {
                stop()
                throw HarnessError(
                    "mosquitto did not start on port \(port) (attempt \(attempt): \(how)); its log:\n\(log)\n\(output)")
            }
        }
    }

    /// Starts mosquitto with `config` and returns its exit status and log, for configurations that must fail.
    static func startExpectingFailure(options: [(String, String)]) throws -> (status: Int32, log: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("broker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let logPath = directory.appendingPathComponent("broker.log").path
        var config = """
            listener \(try FreePort.find()) 127.0.0.1
            allow_anonymous false
            user \(NSUserName())
            log_dest file \(logPath)
            log_type all
            plugin \(try BuildArtifacts.plugin)

            """
        for (key, value) in options { config += "plugin_opt_\(key) \(value)\n" }
        let configPath = directory.appendingPathComponent("mosquitto.conf").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let command = BrokerCommand.resolve(["-c", configPath])
        let result = try Subprocess.run(
            command.executable, command.arguments, environment: command.environment, timeout: 10)
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return (result.status, log + result.stderr)
    }

    deinit { stop() }

    func stop() {
        process?.stop()
        IssuedSecrets.check(log: log, of: "the broker on port \(port)")
        for child in children { child.stop() }
        try? FileManager.default.removeItem(at: directory)
    }

    private var children: [SpawnedProcess] = []

    /// The jwks.json of the keys directory sessionctl keeps beside the store.
    var keysPath: String {
        URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("keys/jwks.json").path
    }

    func signal(_ signal: Int32) -> Bool { process?.send(signal) ?? false }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits until a line of the broker's log contains `text`.
    func waitForLog(_ text: String, timeout: TimeInterval = 2) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if log.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        } while Date() < deadline
        return false
    }

    private func waitUntilListening(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline && process?.isRunning == true {
            if FreePort.accepts(port) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    func client(_ clientID: String, protocolVersion: MQTTTestClient.ProtocolVersion = .v311, cleanSession: Bool = true)
        -> MQTTTestClient
    {
        MQTTTestClient(clientID: clientID, port: port, protocolVersion: protocolVersion, cleanSession: cleanSession)
    }

    /// A real `mosquitto_sub` left running, as an operator's device would be.
    func mosquittoSub(
        clientID: String, username: String, password: String, topic: String,
        will: (topic: String, payload: String)? = nil
    ) throws -> SpawnedProcess {
        var arguments = [
            "-h", "127.0.0.1", "-p", "\(port)", "-i", clientID, "-u", username, "-P", password, "-t", topic, "-v",
        ]
        if let will { arguments += ["--will-topic", will.topic, "--will-payload", will.payload] }
        let sub = try SpawnedProcess("/usr/bin/mosquitto_sub", arguments, outputDirectory: directory)
        children.append(sub)
        return sub
    }

    func mosquittoPub(username: String, password: String, topic: String, message: String, clientID: String? = nil)
        throws -> CommandResult
    {
        var arguments = [
            "-h", "127.0.0.1", "-p", "\(port)", "-u", username, "-P", password, "-t", topic, "-m", message,
            "-q", "1",
        ]
        if let clientID { arguments += ["-i", clientID] }
        return try Subprocess.run("/usr/bin/mosquitto_pub", arguments, timeout: 10)
    }
}

/// How /usr/sbin/mosquitto is started, so that `make asan` and `make valgrind` run these same tests with
/// the broker under a memory checker: SESSION_AUTH_BROKER_WRAPPER is a command prefix whose first word is
/// an absolute path (`/usr/bin/valgrind --error-exitcode=99 ...`); SESSION_AUTH_BROKER_ENV holds
/// whitespace-separated KEY=VALUE pairs added to the broker's environment only (LD_PRELOAD of the ASan
/// runtime must not reach the test runner). Both unset: mosquitto as it is.
enum BrokerCommand {
    static func resolve(_ arguments: [String]) -> (
        executable: String, arguments: [String], environment: [String: String]?
    ) {
        let environment = ProcessInfo.processInfo.environment
        let wrapper = (environment["SESSION_AUTH_BROKER_WRAPPER"] ?? "").split(whereSeparator: \.isWhitespace)
            .map(String.init)
        var extra: [String: String] = [:]
        for pair in (environment["SESSION_AUTH_BROKER_ENV"] ?? "").split(whereSeparator: \.isWhitespace) {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            extra[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        let command = wrapper + ["/usr/sbin/mosquitto"] + arguments
        let merged = extra.isEmpty ? nil : environment.merging(extra) { _, new in new }
        return (command[0], Array(command.dropFirst()), merged)
    }
}
