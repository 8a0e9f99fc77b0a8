import Foundation
import SeededRandom

/// Starvation: several threads send bad logins as fast as they can (wrong pins, and tokens that cost a
/// full signature verification) while a probe logs in validly every 50 ms; each probe's CONNACK must
/// come within a second.
struct FloodPhase {
    let port: Int
    let fixture: SoakFixture
    let book: SessionBook
    let tally: Tally
    let seconds: Double
    let floodThreads: Int
    let seed: UInt64

    static let probeLimit = 1.0

    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        private var finishedThreads = 0
        var isSet: Bool { lock.withLock { value } }
        func set() { lock.withLock { value = true } }
        func finished() { lock.withLock { finishedThreads += 1 } }
        var finishedCount: Int { lock.withLock { finishedThreads } }
    }

    func run() {
        let stop = Flag()
        for thread in 0..<floodThreads {
            let flooder = Flooder(
                index: thread, port: port, fixture: fixture, book: book, tally: tally,
                seed: seed &+ UInt64(thread) &* 7919)
            Thread {
                flooder.run(until: stop)
                stop.finished()
            }.start()
        }
        let start = Clock.now()
        var serial = 0
        // Give the flood a moment to build up before the first probe.
        Clock.sleep(0.5)
        while Clock.now() - start < seconds {
            serial += 1
            probe(serial)
            Clock.sleep(0.05)
        }
        stop.set()
        while stop.finishedCount < floodThreads { Clock.sleep(0.01) }
        tally.record("flood duration", Clock.now() - start)
    }

    /// One valid login, alternately by pin and by token, timed from CONNECT to CONNACK.
    private func probe(_ serial: Int) {
        let client = SoakClient(clientID: "probe-\(serial)", version: serial % 4 < 2 ? .v311 : .v5)
        defer { client.disconnect() }
        let token = fixture.probe.tokens[0]
        let outcome =
            serial % 2 == 0
            ? client.connect(port: port, username: token.device, password: token.token, timeout: 10)
            : client.connect(port: port, username: "probe", password: fixture.probe.session.password, timeout: 10)
        let latency = (client.events.connackAt ?? Clock.now()) - client.connectStartedAt
        tally.count("connections")
        tally.record("probe", latency)
        tally.check(
            "valid login under flood within 1 s", outcome == .accepted && latency <= Self.probeLimit,
            "probe \(serial): \(outcome) after \(Int(latency * 1000)) ms")
    }
}

/// One flooding thread: bad logins back to back, each checked to be refused.
final class Flooder: @unchecked Sendable {
    let index: Int
    let port: Int
    let fixture: SoakFixture
    let book: SessionBook
    let tally: Tally
    var generator: SplitMix64

    init(index: Int, port: Int, fixture: SoakFixture, book: SessionBook, tally: Tally, seed: UInt64) {
        self.index = index
        self.port = port
        self.fixture = fixture
        self.book = book
        self.tally = tally
        generator = SplitMix64(seed: seed)
    }

    func run(until stop: FloodPhase.Flag) {
        var serial = 0
        var refused = 0
        while !stop.isSet {
            serial += 1
            let client = SoakClient(clientID: "flood-\(index)-\(serial)", version: .v311)
            let outcome: SoakClient.LoginOutcome
            if index % 2 == 0 {
                let decoy = book.randomDecoy(using: &generator) ?? fixture.decoys[0]
                let guess = String(format: "%06d", Int.random(in: 0..<1_000_000, using: &generator))
                outcome = client.connect(
                    port: port, username: "flood\(index)", password: "\(decoy.id):\(guess == decoy.pin ? "x" : guess)")
            } else {
                let forgery = fixture.floodForgeries.randomElement(using: &generator)!
                outcome = client.connect(port: port, username: forgery.username, password: forgery.token)
            }
            // The broker closes a refused connection: nothing to send back.
            switch outcome {
            case .refused(SoakClient.Version.v311.notAuthorised):
                refused += 1
            case .refused(let code):
                tally.error("flood login refused", "\(client.clientID) refused with \(String(describing: code)), not 5")
            case .accepted:
                tally.error("flood login refused", "flood login \(client.clientID) was accepted")
            case .noAnswer:
                tally.error("flood login refused", "no CONNACK within 10 s for \(client.clientID)")
            case .notSent:
                tally.count("flood attempts not sent (local socket error)")
            }
        }
        tally.count("flood attempts", by: serial)
        tally.count("connections", by: serial)
        // Counted in bulk: one lock per flood attempt would slow the flood, not the broker.
        tally.count("decisions", by: refused)
        tally.count("decision flood login refused", by: refused)
    }
}
