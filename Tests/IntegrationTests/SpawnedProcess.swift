import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A long-running child (mosquitto, mosquitto_sub) started with `posix_spawn`, an empty signal mask
/// and default handlers. Foundation's `Process` spawns from threads that block signals, and the
/// child inherits that mask: such a mosquitto ignores SIGTERM and the test hangs stopping it.
final class SpawnedProcess {
    let pid: pid_t
    let stdoutPath: String
    let stderrPath: String
    private(set) var exitStatus: Int32?

    init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, outputDirectory: URL) throws
    {
        let tag = UUID().uuidString.prefix(8)
        stdoutPath = outputDirectory.appendingPathComponent("\(tag).stdout").path
        stderrPath = outputDirectory.appendingPathComponent("\(tag).stderr").path

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environmentStrings = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { environmentStrings?.forEach { free($0) } }
        var child: pid_t = 0
        let rc =
            environmentStrings.map { posix_spawn(&child, executable, &actions, &attributes, argv, $0) }
            ?? posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw HarnessError("posix_spawn \(executable) failed: \(String(cString: strerror(rc)))") }
        pid = child
    }

    deinit { stop() }

    var isRunning: Bool {
        if exitStatus != nil { return false }
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, WNOHANG) } while result == -1 && errno == EINTR
        if result == 0 { return true }
        // -1 (ECHILD: something else in this test process reaped it): ask the kernel whether it is there.
        guard result == pid else { return Glibc.kill(pid, 0) == 0 }
        // WIFEXITED ? WEXITSTATUS : 128 + signal, as a shell reports it.
        exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return false
    }

    /// Waits for the process to end by itself; false when it still runs after `timeout`.
    func waitForExit(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        return !isRunning
    }

    /// Ends it at once, as a device losing power would: no DISCONNECT is sent.
    func kill() {
        guard isRunning else { return }
        Glibc.kill(pid, SIGKILL)
        _ = waitForExit(timeout: 5)
    }

    /// Sends `signal` (SIGHUP to make mosquitto reload); false when the process is gone.
    func send(_ signal: Int32) -> Bool {
        isRunning && Glibc.kill(pid, signal) == 0
    }

    /// SIGTERM, then SIGKILL if it has not ended within 5 seconds.
    func stop() {
        guard isRunning else { return }
        Glibc.kill(pid, SIGTERM)
        if !waitForExit(timeout: 5) {
            Glibc.kill(pid, SIGKILL)
            _ = waitForExit(timeout: 5)
        }
    }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
}
