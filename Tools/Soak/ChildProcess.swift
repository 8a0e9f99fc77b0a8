import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child started with `posix_spawn`, an empty signal mask and default handlers (as the integration
/// tests' SpawnedProcess: a mosquitto spawned from a thread that blocks signals would ignore SIGTERM).
/// Output goes to files in `outputDirectory`.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    let stdoutPath: String
    let stderrPath: String
    private let lock = NSLock()
    private var status: Int32?

    init(_ executable: String, _ arguments: [String], outputDirectory: String, tag: String) throws {
        stdoutPath = "\(outputDirectory)/\(tag).stdout"
        stderrPath = "\(outputDirectory)/\(tag).stderr"

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
        defer { for argument in argv { free(argument) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw SoakError("posix_spawn \(executable) failed: \(String(cString: strerror(rc)))") }
        pid = child
    }

    var isRunning: Bool {
        lock.withLock {
            if status != nil { return false }
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, WNOHANG)
            guard result == pid else { return result == 0 }
            status = Self.shellStatus(raw)
            return false
        }
    }

    var exitStatus: Int32? { lock.withLock { status } }

    /// Blocks until the child ends; its status as a shell reports it.
    @discardableResult
    func wait() -> Int32 {
        lock.withLock {
            if let status { return status }
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
            let shell = Self.shellStatus(raw)
            status = shell
            return shell
        }
    }

    func waitForExit(timeout: Double) -> Bool {
        let deadline = Clock.now() + timeout
        while isRunning && Clock.now() < deadline { Clock.sleep(0.01) }
        return !isRunning
    }

    /// SIGTERM, then SIGKILL if it has not ended within `grace` seconds.
    func stop(grace: Double = 10) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        if !waitForExit(timeout: grace) {
            kill(pid, SIGKILL)
            _ = waitForExit(timeout: 5)
        }
    }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// WIFEXITED ? WEXITSTATUS : 128 + signal.
    private static func shellStatus(_ raw: Int32) -> Int32 {
        (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
    }

    /// Runs a short command to completion.
    static func run(_ executable: String, _ arguments: [String], outputDirectory: String) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        let tag = "run-\(UUID().uuidString.prefix(8))"
        let child = try ChildProcess(executable, arguments, outputDirectory: outputDirectory, tag: tag)
        let status = child.wait()
        let result = (status, child.stdout, child.stderr)
        unlink(child.stdoutPath)
        unlink(child.stderrPath)
        return result
    }
}
