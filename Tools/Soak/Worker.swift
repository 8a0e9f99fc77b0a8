import Foundation
import SeededRandom

/// Hands out cycle numbers to the workers until a phase's count is reached.
final class CycleCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var limit: Int

    init(limit: Int) { self.limit = limit }

    func claim() -> Int? {
        lock.withLock {
            guard next < limit else { return nil }
            next += 1
            return next
        }
    }

    var claimed: Int { lock.withLock { next } }
}

/// One load thread: runs cycles (connect → auth → subscribe/publish → disconnect) of a random kind and
/// checks every decision the broker makes against what the store says it must be.
final class Worker: @unchecked Sendable {
    let index: Int
    let port: Int
    let fixture: SoakFixture
    let book: SessionBook
    let tally: Tally
    var generator: SplitMix64
    private var serial = 0
    private var watcher: SoakClient?
    /// Denied publishes aimed at the watched session: each one a message the watcher must not get.
    private var deniedIntoWatched = 0

    /// Checks of things a session member did after logging in, settled at the end of the cycle: when its
    /// (churned) session began closing meanwhile, they are not judged.
    private var pending: [(kind: String, ok: Bool, detail: String)] = []

    init(index: Int, port: Int, fixture: SoakFixture, book: SessionBook, tally: Tally, seed: UInt64) {
        self.index = index
        self.port = port
        self.fixture = fixture
        self.book = book
        self.tally = tally
        generator = SplitMix64(seed: seed &+ UInt64(index) &* 0x1000_0001)
    }

    func run(_ counter: CycleCounter) {
        startWatcher()
        while counter.claim() != nil {
            runOneCycle()
            if let watcher { SoakClient.drain([watcher]) }
        }
        stopWatcher()
    }

    // MARK: - Watcher

    /// A member of the watched session subscribed to all of it. Denied publishes are aimed at that
    /// session, and no valid client ever publishes there: anything the watcher receives leaked.
    private func startWatcher() {
        let client = SoakClient(clientID: "watch-\(index)-\(nextSerial())", version: .v5)
        tally.count("connections")
        guard client.connect(port: port, username: "watcher\(index)", password: fixture.watched.password) == .accepted,
            let mid = client.subscribe("\(fixture.watched.id)/#"), client.awaitSuback(mid) == 1
        else {
            tally.error("watcher", "watcher \(index) could not log in and subscribe")
            return
        }
        watcher = client
    }

    private func stopWatcher() {
        guard let watcher else { return }
        SoakClient.pump([watcher], timeout: 0.5) { false }
        let leaked = watcher.events.messages
        for message in leaked {
            tally.error("denied publish not delivered", "watcher \(index) received '\(message.topic)'")
        }
        let stayed = !watcher.events.disconnected
        tally.check("watcher stayed connected", stayed, "watcher \(index) was dropped")
        // Every worker's watcher would have received every leak: this one vouches for its own worker's.
        if stayed && leaked.isEmpty { tally.passed("denied publish not delivered", count: deniedIntoWatched) }
        watcher.disconnect()
        self.watcher = nil
    }

    // MARK: - Cycles

    enum Kind: CaseIterable {
        case pinPubSub, tokenPubSub, telemetry, quickLogin, wrongPin, unknownSession, badIdentity, forgedToken,
            closedSession

        /// Percent of the cycles.
        var weight: Int {
            switch self {
            case .pinPubSub: 25
            case .tokenPubSub: 15
            case .telemetry: 10
            case .quickLogin: 10
            case .wrongPin: 8
            case .unknownSession: 6
            case .badIdentity: 8
            case .forgedToken: 12
            case .closedSession: 6
            }
        }

        static func random<G: RandomNumberGenerator>(using generator: inout G) -> Kind {
            var roll = Int.random(in: 0..<100, using: &generator)
            for kind in allCases {
                if roll < kind.weight { return kind }
                roll -= kind.weight
            }
            return .pinPubSub
        }
    }

    private func runOneCycle() {
        let kind = Kind.random(using: &generator)
        tally.count("cycles \(kind)")
        switch kind {
        case .pinPubSub: pinPubSubCycle()
        case .tokenPubSub: tokenPubSubCycle()
        case .telemetry: telemetryCycle()
        case .quickLogin: quickLoginCycle()
        case .wrongPin: wrongPinCycle()
        case .unknownSession: unknownSessionCycle()
        case .badIdentity: badIdentityCycle()
        case .forgedToken: forgedTokenCycle()
        case .closedSession: closedSessionCycle()
        }
    }

    func nextSerial() -> Int {
        serial += 1
        return serial
    }

    var randomVersion: SoakClient.Version { Bool.random(using: &generator) ? .v5 : .v311 }

    /// A session for a valid login: usually a stable one, sometimes one the churn thread will close.
    func validSession() -> (id: String, password: String, tokens: [SessionCtlRunner.Token]) {
        if Int.random(in: 0..<10, using: &generator) < 3, let churned = book.randomOpen(using: &generator) {
            return (churned.session.id, churned.session.password, churned.tokens)
        }
        let stable = fixture.open.randomElement(using: &generator)!
        return (stable.id, stable.session.password, stable.tokens)
    }

    // MARK: - Judging

    /// Logs `client` in and judges the outcome against `expected` (asked after the CONNACK, with the
    /// attempt's times); true when the broker accepted.
    @discardableResult
    func login(
        _ kind: String, _ client: SoakClient, username: String?, password: String?,
        expected: (Double, Double) -> SessionBook.Expectation
    ) -> Bool {
        let outcome = client.connect(port: port, username: username, password: password)
        let end = Clock.now()
        tally.count("connections")
        switch outcome {
        case .notSent:
            tally.error(kind, "libmosquitto could not send CONNECT for \(client.clientID)")
            return false
        case .noAnswer:
            tally.error(kind, "no CONNACK within 10 s for \(client.clientID)")
            return false
        case .refused(let code):
            tally.count("refusal code \(code.map(String.init) ?? "none (closed)")")
        case .accepted:
            tally.record("connack", (client.events.connackAt ?? end) - client.connectStartedAt)
        }
        let accepted = outcome == .accepted
        switch expected(client.connectStartedAt, end) {
        case .accept:
            tally.check(kind, accepted, "\(client.clientID) (user \(username ?? "-")) was refused: \(outcome)")
        case .refuse:
            // A refusal is a CONNACK "not authorised" (5 in MQTT 3.1.1, 135 in MQTT 5), never a bare close.
            tally.check(
                kind, outcome == .refused(client.version.notAuthorised),
                "\(client.clientID) (user \(username ?? "-")): \(outcome), not a refusal as not authorised")
        case .either: tally.count("logins not judged (within 1 s of a close)")
        }
        return accepted
    }

    func mustAccept(_ sessionID: String) -> (Double, Double) -> SessionBook.Expectation {
        { [book] start, end in book.expectation(for: sessionID, from: start, to: end) }
    }

    let mustRefuse: (Double, Double) -> SessionBook.Expectation = { _, _ in .refuse }

    func later(_ kind: String, _ ok: Bool, _ detail: @autoclosure () -> String) {
        pending.append((kind, ok, ok ? "" : detail()))
    }

    /// Settles the pending checks of a cycle in `sessionID`.
    func settle(_ sessionID: String) {
        if book.closing(sessionID, before: Clock.now()) {
            tally.count("checks not judged (session closing)", by: pending.count)
        } else {
            for check in pending { tally.check(check.kind, check.ok, check.detail) }
        }
        pending.removeAll()
    }

    /// Subscribes and records whether the SUBACK granted QoS 1 as `granted` says it must.
    func subscribe(_ client: SoakClient, _ filter: String, granted: Bool) {
        guard let mid = client.subscribe(filter) else {
            later("subscribe", false, "libmosquitto refused to send SUBSCRIBE '\(filter)'")
            return
        }
        let code = client.awaitSuback(mid)
        if granted {
            later(
                "subscribe allowed", code == 1, "'\(filter)' for \(client.clientID): SUBACK \(String(describing: code))"
            )
        } else {
            later(
                "subscribe refused", code.map { $0 >= 128 } == true,
                "'\(filter)' for \(client.clientID): SUBACK \(String(describing: code))")
        }
    }

    /// Publishes at QoS 1; with MQTT 5 the PUBACK says whether the broker took it.
    func publish(_ client: SoakClient, _ topic: String, _ payload: String, allowed: Bool) {
        if !allowed && topic.hasPrefix("\(fixture.watched.id)/") { deniedIntoWatched += 1 }
        guard let mid = client.publish(topic, payload) else {
            later("publish", false, "libmosquitto refused to send PUBLISH '\(topic)'")
            return
        }
        let reason = client.awaitPuback(mid)
        guard let reason else {
            later("publish", false, "no PUBACK for '\(topic)' from \(client.clientID)")
            return
        }
        if client.version == .v5 {
            let kind = allowed ? "publish allowed" : "publish denied"
            later(kind, (reason < 128) == allowed, "'\(topic)' from \(client.clientID): PUBACK \(reason)")
        }
    }

    /// Waits for `subscriber` to receive `topic` (while driving `others` too).
    func expectDelivery(_ subscriber: SoakClient, _ topic: String, payload: String, others: [SoakClient]) {
        let arrived = SoakClient.pump([subscriber] + others, timeout: 5) {
            subscriber.events.messages.contains { $0.topic == topic } || subscriber.events.disconnected
        }
        let ok = arrived && subscriber.events.messages.contains { $0.topic == topic && $0.payload == payload }
        later("allowed publish delivered", ok, "'\(topic)' did not reach \(subscriber.clientID)")
    }

    func finish(_ clients: [SoakClient]) {
        for client in clients { client.disconnect() }
    }
}
