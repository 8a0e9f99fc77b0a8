import Foundation

/// The sessions the soak knows, and when each churned one was created and closed: the oracle every
/// login is judged against. Stable sessions are never closed; churned ones come and go on the churn thread.
final class SessionBook: @unchecked Sendable {
    /// The promise: a store change takes effect in the running broker within 1 second.
    static let grace = 1.0

    struct Entry: Sendable {
        let session: SessionCtlRunner.Session
        let tokens: [SessionCtlRunner.Token]
        let createdAt: Double
        var closeStartedAt: Double?
        var closeEndedAt: Double?
    }

    enum Expectation {
        case accept, refuse, either
    }

    private let lock = NSLock()
    private var churned: [String: Entry] = [:]
    /// Sessions that only ever see wrong pins: after a few they lock (the right pin included), so new
    /// ones keep coming for the wrong-pin path to run its pin check, not only the lock's refusal.
    private var decoys: [SessionCtlRunner.Session] = []
    private var openIDs: [String] = []
    private var closedIDs: [String] = []

    func add(_ entry: Entry) {
        lock.withLock {
            churned[entry.session.id] = entry
            openIDs.append(entry.session.id)
        }
    }

    /// Recorded before `sessionctl close` starts, so a reader that finds no mark knows the session was
    /// open during everything it did before it looked.
    func closeStarting(_ id: String) {
        lock.withLock {
            churned[id]?.closeStartedAt = Clock.now()
            openIDs.removeAll { $0 == id }
        }
    }

    func closeEnded(_ id: String) {
        lock.withLock {
            churned[id]?.closeEndedAt = Clock.now()
            closedIDs.append(id)
        }
    }

    /// An open churned session created more than the grace ago, so that every login to it is judged
    /// (the churn thread checks the first second of each session itself).
    func randomOpen<G: RandomNumberGenerator>(using generator: inout G) -> Entry? {
        lock.withLock {
            let now = Clock.now()
            let settled = openIDs.filter { (churned[$0]?.createdAt ?? now) + Self.grace < now }
            return settled.randomElement(using: &generator).flatMap { churned[$0] }
        }
    }

    /// A session whose close ended more than the grace ago (logins to it must be refused).
    func randomLongClosed<G: RandomNumberGenerator>(using generator: inout G) -> Entry? {
        lock.withLock {
            let now = Clock.now()
            let settled = closedIDs.suffix(200).filter { (churned[$0]?.closeEndedAt ?? now) + Self.grace < now }
            return settled.randomElement(using: &generator).flatMap { churned[$0] }
        }
    }

    func entry(_ id: String) -> Entry? { lock.withLock { churned[id] } }

    func addDecoy(_ session: SessionCtlRunner.Session) { lock.withLock { decoys.append(session) } }

    /// One of the newest decoys (likely not locked yet) or, one time in four, any of them.
    func randomDecoy<G: RandomNumberGenerator>(using generator: inout G) -> SessionCtlRunner.Session? {
        lock.withLock {
            Int.random(in: 0..<4, using: &generator) == 0
                ? decoys.randomElement(using: &generator) : decoys.suffix(4).randomElement(using: &generator)
        }
    }

    var decoyCount: Int { lock.withLock { decoys.count } }

    /// What a right login to `id` attempted from `start` to `end` must get. Stable sessions: accept.
    func expectation(for id: String, from start: Double, to end: Double) -> Expectation {
        guard let entry = entry(id) else { return .accept }
        if start < entry.createdAt + Self.grace { return .either }
        guard let closeStartedAt = entry.closeStartedAt else { return .accept }
        if end < closeStartedAt { return .accept }
        if let closeEndedAt = entry.closeEndedAt, start > closeEndedAt + Self.grace { return .refuse }
        return .either
    }

    /// True when `id` is a churned session whose close started before `time`: what its clients did
    /// from then on is not judged (they may be kicked at any moment of it).
    func closing(_ id: String, before time: Double) -> Bool {
        guard let started = entry(id)?.closeStartedAt else { return false }
        return started <= time
    }

    var counts: (created: Int, closed: Int) { lock.withLock { (churned.count, closedIDs.count) } }
}
