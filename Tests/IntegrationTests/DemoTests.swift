import Foundation
import Testing

extension IntegrationSuite {
    /// Item 1: what `make run` prints works when pasted into a shell.
    @Suite struct DemoTests {
        @Test func printedCommandsWork() throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let port = try FreePort.find()
            var environment = ProcessInfo.processInfo.environment
            environment["PORT"] = "\(port)"
            environment["DEMO_DIR"] = directory.path
            let script = BuildArtifacts.repositoryRoot.appendingPathComponent("scripts/run-demo.sh").path
            let demo = try SpawnedProcess(script, [], environment: environment, outputDirectory: directory)
            defer { demo.stop() }
            let deadline = Date().addingTimeInterval(10)
            while !FreePort.accepts(port) && demo.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            #expect(
                FreePort.accepts(port), "the demo broker is not listening; it printed:\n\(demo.stdout)\(demo.stderr)")

            let lines = demo.stdout.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            let subscribe = try #require(lines.first { $0.hasPrefix("mosquitto_sub ") })
            let publish = try #require(
                lines.first { $0.hasPrefix("mosquitto_pub ") && $0.contains("hello from sensor2") })
            let listener = try SpawnedProcess("/bin/sh", ["-c", subscribe + " -C 1 -W 10"], outputDirectory: directory)
            defer { listener.stop() }
            Thread.sleep(forTimeInterval: 0.5)
            let sent = try Subprocess.run("/bin/sh", ["-c", publish])
            #expect(sent.status == 0, "\(sent.stderr)")
            #expect(listener.waitForExit(timeout: 10))
            #expect(listener.exitStatus == 0)
            #expect(
                listener.stdout.contains("/hello hello from sensor2"),
                "mosquitto_sub printed: \(listener.stdout)\(listener.stderr)")
        }
    }
}
