import Foundation

/// The real /usr/sbin/mosquitto with the release plugin on a free loopback port, in the soak's own
/// folder (as the integration tests' Broker, which a tool cannot import).
final class SoakBroker {
    let port: Int
    let logPath: String
    private let process: ChildProcess

    var pid: pid_t { process.pid }
    var isRunning: Bool { process.isRunning }
    var exitStatus: Int32? { process.exitStatus }

    init(directory: String, plugin: String, databasePath: String, keysPath: String) throws {
        logPath = "\(directory)/broker.log"
        let configPath = "\(directory)/mosquitto.conf"
        var lastError = ""
        // The port is free when chosen but may be taken before mosquitto binds it: try another.
        for attempt in 1...3 {
            let port = try FreePort.find()
            // An operator's configuration: information-level logging (every login and refusal, one line
            // each, as a production broker would write them), no persistence, Nagle off both ways so a
            // CONNACK's latency is the broker's, not TCP's.
            let config = """
                per_listener_settings false
                listener \(port) 127.0.0.1
                allow_anonymous false
                persistence false
                set_tcp_nodelay true
                user \(NSUserName())
                log_dest file \(logPath)
                log_type error
                log_type warning
                log_type notice
                log_type information
                plugin \(plugin)
                plugin_opt_db_path \(databasePath)
                plugin_opt_jwt_keys \(keysPath)

                """
            try config.write(toFile: configPath, atomically: true, encoding: .utf8)
            let spawned = try ChildProcess(
                "/usr/sbin/mosquitto", ["-c", configPath], outputDirectory: directory, tag: "mosquitto-\(attempt)")
            let deadline = Clock.now() + 10
            while Clock.now() < deadline && spawned.isRunning && !FreePort.accepts(port) { Clock.sleep(0.02) }
            if spawned.isRunning && FreePort.accepts(port) {
                self.port = port
                process = spawned
                return
            }
            lastError = spawned.stderr
            spawned.stop()
        }
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        throw SoakError("mosquitto did not start; its log:\n\(log)\n\(lastError)")
    }

    func stop() { process.stop() }

    /// VmRSS of the broker process in bytes, nil once it is gone.
    var residentBytes: Int? { Self.residentBytes(of: pid) }

    static func residentBytes(of pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let kilobytes = Int(fields[1]) { return kilobytes * 1024 }
        }
        return nil
    }
}
