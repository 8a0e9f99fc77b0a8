import Foundation

/// The summary table, and the verdict.
struct SoakReport {
    /// Memory the broker may keep after the churn, over its baseline: 10 MB plus 10 % of the baseline,
    /// plus 2 KB for each session created while running.
    /// What it may legitimately keep: freed memory that glibc's malloc holds in its free lists instead of
    /// returning it (bounded by the peak, which the few connections held at once keep low); the capacity
    /// Swift's dictionaries in the plugin grew to; and the plugin's snapshot of the store, which holds every
    /// session the store has, closed ones included (measured: about 700 bytes each; a default run creates
    /// about 450, a 3-minute run about 3,000). None of these grows with the number of connections, while a
    /// leak does: a default run makes about 150,000 connections (the flood's included), so a leak of 70
    /// bytes per connection (about one small Swift object) crosses 10 MB. The growth per connection and
    /// per session is printed so that a longer run (SOAK_CYCLES) can resolve smaller leaks.
    static let slackBytes = 10 * 1024 * 1024
    static let slackFraction = 0.10
    static let bytesPerSession = 2048

    let options: SoakOptions
    let result: SoakRun.Result

    var memoryLimit: Int {
        result.baseline + Int(Double(result.baseline) * Self.slackFraction) + Self.slackBytes
            + result.sessionsCreated * Self.bytesPerSession
    }

    /// Prints the table; true when the soak passed.
    func print() -> Bool {
        let (counters, errors, latencies) = result.tally.snapshot
        let mainCycles = options.cycles - options.warmUpCycles
        Swift.print("\nsoak summary (\(String(format: "%.0f", result.totalSeconds)) s, seed \(options.seed))")
        row(
            "cycles",
            "\(options.cycles) (\(options.warmUpCycles) warm-up) on \(options.threads) threads, "
                + String(format: "%.0f/s after warm-up", Double(mainCycles) / result.mainSeconds))
        for kind in Worker.Kind.allCases { row("  \(kind)", "\(counters["cycles \(kind)"] ?? 0)") }
        let (created, closed) = result.book.counts
        row("sessions created / closed by the churn thread", "\(created) / \(closed)")
        row("decoy sessions (wrong pins only)", "\(result.book.decoyCount)")

        row("decisions checked", "\(counters["decisions"] ?? 0)")
        for (name, value) in counters.sorted(by: { $0.key < $1.key }) where name.hasPrefix("decision ") {
            let kind = name.dropFirst("decision ".count)
            let failed = counters["error \(kind)"] ?? 0
            row("  \(kind)", "\(value)" + (failed > 0 ? "  (\(failed) WRONG)" : ""))
        }
        for name in ["logins not judged (within 1 s of a close)", "checks not judged (session closing)"] {
            row(name, "\(counters[name] ?? 0)")
        }
        row("errors", "\(result.tally.errorCount)")
        let codes = counters.filter { $0.key.hasPrefix("refusal code ") }.sorted { $0.key < $1.key }
        row(
            "refusal codes",
            codes.map { "\($0.key.dropFirst("refusal code ".count))×\($0.value)" }.joined(separator: " "))

        latencyRow("CONNACK of valid logins under load", latencies["connack"] ?? [], limit: nil)
        latencyRow("create → first login", latencies["create-to-login"] ?? [], limit: 1)
        latencyRow("close → kick of its client", latencies["close-to-kick"] ?? [], limit: 1)
        let floodSeconds = latencies["flood duration"]?.first ?? options.floodSeconds
        let attempts = counters["flood attempts"] ?? 0
        row(
            "flood: bad logins",
            "\(attempts) in \(String(format: "%.1f", floodSeconds)) s "
                + "(\(Int(Double(attempts) / max(floodSeconds, 0.001)))/s) on \(options.floodThreads) threads")
        latencyRow("flood: CONNACK of a valid login", latencies["probe"] ?? [], limit: FloodPhase.probeLimit)

        let (baseline, after) = (result.baseline, result.after)
        let growth = after - baseline
        row("broker RSS at start", Self.megabytes(result.rssAtStart))
        row("broker RSS baseline (after warm-up)", Self.megabytes(baseline))
        row("broker RSS peak", Self.megabytes(result.peak))
        row(
            "broker RSS after (all disconnected, 5 s)",
            "\(Self.megabytes(after)) (\(growth >= 0 ? "+" : "")\(Self.megabytes(growth)); limit "
                + "\(Self.megabytes(memoryLimit)) = baseline + 10 % + 10 MB + 2 KB × \(result.sessionsCreated) sessions)"
        )
        let connections = counters["connections"] ?? 0
        row("connections made", "\(connections) (RSS growth \(growth / max(connections, 1)) bytes per connection)")
        row(
            "sessions created after the baseline",
            "\(result.sessionsCreated) (RSS growth \(growth / max(result.sessionsCreated, 1)) bytes per session)")
        let logBytes = (try? FileManager.default.attributesOfItem(atPath: result.brokerLogPath)[.size] as? Int) ?? 0
        row(
            "broker log",
            options.keep ? "\(Self.megabytes(logBytes)) at \(result.brokerLogPath)" : "removed (--keep keeps it)")
        let status = result.brokerStatus.map(String.init) ?? "?"
        row(
            "broker",
            result.brokerAlive
                ? "running to the end; exit status \(status) on SIGTERM" : "DIED during the soak (status \(status))")

        if !errors.isEmpty {
            Swift.print("\nfirst errors:")
            for error in errors { Swift.print("  " + error) }
        }
        let memoryOK = after <= memoryLimit
        let passed = result.tally.errorCount == 0 && memoryOK && result.brokerAlive && result.brokerStatus == 0
        Swift.print(
            "\nsoak: " + (passed ? "PASS" : "FAIL")
                + (memoryOK ? "" : " (broker memory did not come back: \(Self.megabytes(after)) > limit)"))
        return passed
    }

    private func row(_ name: String, _ value: String) {
        Swift.print("  " + name.padding(toLength: 48, withPad: " ", startingAt: 0) + value)
    }

    private func latencyRow(_ name: String, _ seconds: [Double], limit: Double?) {
        let percentiles = [50.0, 99.0].map { "p\(Int($0)) \(Self.milliseconds(Percentile.of(seconds, $0)))" }
        let bound = limit.map { " (limit \(Int($0 * 1000)) ms)" } ?? ""
        row(
            "\(name) (n=\(seconds.count))",
            percentiles.joined(separator: " ") + " max \(Self.milliseconds(seconds.max()))" + bound)
    }

    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }

    static func milliseconds(_ seconds: Double?) -> String {
        seconds.map { String(format: "%.1f ms", $0 * 1000) } ?? "-"
    }
}

enum Percentile {
    /// The p-th percentile (nearest rank) of `values`, nil when empty.
    static func of(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[max(0, min(sorted.count - 1, rank))]
    }
}
