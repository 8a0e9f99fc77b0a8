import Foundation

/// Every checked decision and every error, from all threads.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var counters: [String: Int] = [:]
    private(set) var errorCount = 0
    private var errorSamples: [String] = []
    private var latencies: [String: [Double]] = [:]

    /// One decision of the broker compared with what it must be; `ok` false records an error.
    func check(_ kind: String, _ ok: Bool, _ detail: @autoclosure () -> String) {
        lock.withLock {
            counters["decision \(kind)", default: 0] += 1
            counters["decisions", default: 0] += 1
            if !ok {
                errorCount += 1
                counters["error \(kind)", default: 0] += 1
                if errorSamples.count < 40 { errorSamples.append("\(kind): \(detail())") }
            }
        }
    }

    func error(_ kind: String, _ detail: String) { check(kind, false, detail) }

    /// `count` right decisions of one kind at once.
    func passed(_ kind: String, count: Int) {
        guard count > 0 else { return }
        lock.withLock {
            counters["decision \(kind)", default: 0] += count
            counters["decisions", default: 0] += count
        }
    }

    func count(_ name: String, by amount: Int = 1) { lock.withLock { counters[name, default: 0] += amount } }

    func record(_ series: String, _ seconds: Double) {
        lock.withLock { latencies[series, default: []].append(seconds) }
    }

    subscript(name: String) -> Int { lock.withLock { counters[name] ?? 0 } }

    var snapshot: (counters: [String: Int], errors: [String], latencies: [String: [Double]]) {
        lock.withLock { (counters, errorSamples, latencies) }
    }
}
