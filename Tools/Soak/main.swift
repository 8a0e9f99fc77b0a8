import Foundation

// `make soak`: churn and starvation against the real broker with the release plugin. Exit 0 when every
// checked decision was right, the broker lived through it and its memory came back to its baseline.

do {
    let options = try SoakOptions.parse(
        Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
    let result = try SoakRun(options: options).run()
    exit(SoakReport(options: options, result: result).print() ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("soak: \(error)\n".utf8))
    exit(1)
}
