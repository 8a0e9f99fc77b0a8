import Foundation

/// The phases of a soak: warm-up, baseline, churn, flood, settle. Returns what the report needs.
struct SoakRun {
    struct Result {
        let tally: Tally
        let book: SessionBook
        let brokerLogPath: String
        let rssAtStart: Int
        let baseline: Int
        let peak: Int
        let after: Int
        /// Sessions (churned and decoys) created after the baseline was measured.
        let sessionsCreated: Int
        let mainSeconds: Double
        let totalSeconds: Double
        let brokerAlive: Bool
        let brokerStatus: Int32?
    }

    let options: SoakOptions

    func run() throws -> Result {
        let buildDirectory = URL(fileURLWithPath: options.buildDirectory).standardizedFileURL.path
        let plugin = "\(buildDirectory)/mosquitto_session_auth.so"
        let sessionctl = "\(buildDirectory)/sessionctl"
        for path in [plugin, sessionctl, "/usr/sbin/mosquitto"] where !FileManager.default.fileExists(atPath: path) {
            throw SoakError("\(path) is missing (make soak builds build/ first)")
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("soak-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { if !options.keep { try? FileManager.default.removeItem(atPath: directory) } }
        print(
            "soak: \(options.cycles) cycles on \(options.threads) threads, then \(Int(options.floodSeconds)) s of "
                + "flood on \(options.floodThreads) threads; seed \(options.seed) (SOAK_SEED to repeat); "
                + "folder \(directory)")

        let databasePath = "\(directory)/sessions.db"
        let ctl = SessionCtlRunner(executable: sessionctl, databasePath: databasePath, scratchDirectory: directory)
        let fixture = try SoakFixture.make(ctl: ctl, directory: directory)
        let broker = try SoakBroker(
            directory: directory, plugin: plugin, databasePath: databasePath,
            keysPath: "\(directory)/keys/jwks.json")
        defer { broker.stop() }
        print("soak: broker pid \(broker.pid) on 127.0.0.1:\(broker.port), plugin \(plugin)")

        let tally = Tally()
        let book = SessionBook()
        for decoy in fixture.decoys { book.addDecoy(decoy) }
        let monitor = RSSMonitor { [pid = broker.pid] in SoakBroker.residentBytes(of: pid) }
        let started = Clock.now()
        let rssAtStart = broker.residentBytes ?? 0
        let churn = ChurnThread(ctl: ctl, port: broker.port, book: book, tally: tally)
        let makeWorker = { (index: Int) in
            Worker(index: index, port: broker.port, fixture: fixture, book: book, tally: tally, seed: options.seed)
        }

        // Warm-up, then every client gone and 3 s of quiet: the baseline.
        churn.start()
        Self.runWorkers(count: options.threads, cycles: options.warmUpCycles, make: makeWorker)
        churn.stop()
        let baseline = Self.settle(broker, seconds: 3)
        let sessionsAtBaseline = book.counts.created + book.decoyCount
        print("soak: warm-up of \(options.warmUpCycles) cycles done; baseline RSS \(SoakReport.megabytes(baseline))")

        let mainStarted = Clock.now()
        churn.start()
        Self.runWorkers(count: options.threads, cycles: options.cycles - options.warmUpCycles, make: makeWorker)
        let mainSeconds = Clock.now() - mainStarted
        print(
            "soak: \(options.cycles - options.warmUpCycles) cycles in \(String(format: "%.1f", mainSeconds)) s; flood")
        FloodPhase(
            port: broker.port, fixture: fixture, book: book, tally: tally, seconds: options.floodSeconds,
            floodThreads: options.floodThreads, seed: options.seed
        ).run()
        churn.stop()

        // Every client disconnected; 5 s for the broker to free what they held.
        let after = Self.settle(broker, seconds: 5)
        monitor.stop()
        let brokerAlive = broker.isRunning
        broker.stop()
        return Result(
            tally: tally, book: book, brokerLogPath: broker.logPath, rssAtStart: rssAtStart, baseline: baseline,
            peak: max(monitor.peakBytes, baseline, after), after: after,
            sessionsCreated: book.counts.created + book.decoyCount - sessionsAtBaseline, mainSeconds: mainSeconds,
            totalSeconds: Clock.now() - started, brokerAlive: brokerAlive, brokerStatus: broker.exitStatus)
    }

    private static func runWorkers(count: Int, cycles: Int, make: (Int) -> Worker) {
        let counter = CycleCounter(limit: cycles)
        let group = DispatchGroup()
        for index in 0..<count {
            let worker = make(index)
            group.enter()
            Thread {
                worker.run(counter)
                group.leave()
            }.start()
        }
        group.wait()
    }

    private static func settle(_ broker: SoakBroker, seconds: Double) -> Int {
        Clock.sleep(seconds)
        return broker.residentBytes ?? 0
    }
}
