import Foundation

/// Runs a command to completion and captures what it printed.
struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

enum Subprocess {
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        timeout: TimeInterval = 30
    ) throws -> CommandResult {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let child = try SpawnedProcess(executable, arguments, environment: environment, outputDirectory: directory)
        guard child.waitForExit(timeout: timeout) else {
            child.stop()
            throw HarnessError("\(executable) \(arguments) did not finish within \(timeout) s")
        }
        return CommandResult(status: child.exitStatus ?? -1, stdout: child.stdout, stderr: child.stderr)
    }
}
