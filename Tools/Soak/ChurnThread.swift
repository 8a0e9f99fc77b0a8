import Foundation

/// Runs `sessionctl create` and `sessionctl close` continuously while the workers load the broker. Each
/// session it creates gets a token (`sessionctl join`) and a resident client; when the session closes,
/// the resident must be disconnected within a second of `close` returning.
final class ChurnThread: @unchecked Sendable {
    /// Churned sessions kept open at once (the workers log in to them until they close).
    static let openAtOnce = 6

    private let ctl: SessionCtlRunner
    private let port: Int
    private let book: SessionBook
    private let tally: Tally
    private let lock = NSLock()
    private var stopRequested = false
    private var stopped = false
    private var residents: [(id: String, client: SoakClient)] = []
    private var serial = 0

    init(ctl: SessionCtlRunner, port: Int, book: SessionBook, tally: Tally) {
        self.ctl = ctl
        self.port = port
        self.book = book
        self.tally = tally
    }

    func start() {
        lock.withLock {
            stopRequested = false
            stopped = false
        }
        Thread { self.run() }.start()
    }

    /// Asks the thread to finish its current step, waits for it, and disconnects the residents.
    func stop() {
        lock.withLock { stopRequested = true }
        while !lock.withLock({ stopped }) { Clock.sleep(0.01) }
    }

    private var shouldStop: Bool { lock.withLock { stopRequested } }

    private func run() {
        while !shouldStop {
            do {
                try createOne()
                book.addDecoy(try ctl.create(type: "open"))
                if residents.count > Self.openAtOnce { try closeOldest() }
            } catch {
                tally.error("sessionctl", "\(error)")
                Clock.sleep(0.2)
            }
        }
        for resident in residents {
            SoakClient.drain([resident.client])
            tally.check(
                "resident stayed connected", !resident.client.events.disconnected,
                "resident of open session \(resident.id) was dropped")
            resident.client.disconnect()
        }
        residents.removeAll()
        lock.withLock { stopped = true }
    }

    private func createOne() throws {
        serial += 1
        let session = try ctl.create(type: "open")
        let token = try ctl.join(session, device: "churn\(serial)")
        let createdAt = Clock.now()
        book.add(SessionBook.Entry(session: session, tokens: [token], createdAt: createdAt))
        tally.count("churn sessions created")
        // The plugin loads a session it does not know yet at the login itself; the promise is a second.
        let deadline = Clock.now() + SessionBook.grace
        while true {
            let resident = SoakClient(clientID: "resident-\(serial)", version: .v311)
            let outcome = resident.connect(port: port, username: "resident", password: session.password)
            tally.count("connections")
            if outcome == .accepted {
                tally.record("create-to-login", (resident.events.connackAt ?? Clock.now()) - createdAt)
                residents.append((session.id, resident))
                tally.check("new session usable within 1 s", true, "")
                return
            }
            if Clock.now() > deadline {
                tally.error("new session usable within 1 s", "session \(session.id) refused its pin: \(outcome)")
                return
            }
            Clock.sleep(0.05)
        }
    }

    private func closeOldest() throws {
        let (id, resident) = residents.removeFirst()
        SoakClient.drain([resident])
        tally.check(
            "resident stayed connected", !resident.events.disconnected, "resident of open session \(id) was dropped")
        book.closeStarting(id)
        try ctl.close(id)
        let closedAt = Clock.now()
        book.closeEnded(id)
        tally.count("churn sessions closed")
        let kicked = SoakClient.pump([resident], timeout: 5) { resident.events.disconnected }
        let latency = max(0, (resident.events.disconnectedAt ?? Clock.now()) - closedAt)
        tally.record("close-to-kick", latency)
        tally.check(
            "closed session's client kicked within 1 s", kicked && latency <= 1.0,
            kicked ? "resident of \(id) kicked \(Int(latency * 1000)) ms after close" : "resident of \(id) never kicked"
        )
    }
}
