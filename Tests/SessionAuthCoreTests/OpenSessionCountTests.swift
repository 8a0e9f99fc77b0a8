import SeededRandom
import Testing

@testable import SessionAuthCore

/// The `$SYS` "sessions open" gauge is kept up to date instead of counted by a pass over the sessions:
/// it must agree with that pass (`SessionRecord.status`) whatever the changes and the clock do.
@Suite struct OpenSessionCountTests {
    static let start = Fixtures.now

    static func countedByPass(_ snapshot: SessionSnapshot, at now: Int64) -> Int {
        snapshot.sessions.values.filter { $0.status(at: now) == .open }.count
    }

    @Test func expiryClosingAndReopeningAreCounted() {
        var snapshot = SessionSnapshot([
            Fixtures.session("a"), Fixtures.session("b", expiresAt: Self.start + 10),
            Fixtures.session("c", closedAt: Self.start - 5),
        ])
        #expect(snapshot.openSessions(at: Self.start) == 2)
        // At its expiry second a session is expired (status: now >= expiresAt).
        #expect(snapshot.openSessions(at: Self.start + 10) == 1)
        // Its expiry moved later: open again.
        snapshot.apply([Fixtures.session("b", expiresAt: Self.start + 100, revision: 2)])
        #expect(snapshot.openSessions(at: Self.start + 11) == 2)
        // Closed.
        snapshot.apply([Fixtures.session("a", closedAt: Self.start + 12, revision: 3)])
        #expect(snapshot.openSessions(at: Self.start + 12) == 1)
        // A new session created already expired is never counted open.
        snapshot.apply([Fixtures.session("d", expiresAt: Self.start, revision: 4)])
        #expect(snapshot.openSessions(at: Self.start + 13) == 1)
        // The clock steps back before b's and d's expiry: both open.
        #expect(snapshot.openSessions(at: Self.start - 1) == 2)
    }

    /// Seeded random changes and clock moves (forward by seconds, by hours, and back), each answer
    /// compared with the pass over the sessions.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func agreesWithAPassOverTheSessions(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        var snapshot = SessionSnapshot()
        var now = Self.start
        for step in 0..<3_000 {
            let id = "s\(Int.random(in: 0..<200, using: &generator))"
            let expiresAt: Int64? =
                Bool.random(using: &generator) ? now + Int64.random(in: -20...40, using: &generator) : nil
            let closedAt: Int64? = Int.random(in: 0..<5, using: &generator) == 0 ? now : nil
            snapshot.apply([
                Fixtures.session(id, expiresAt: expiresAt, closedAt: closedAt, revision: Int64(step + 1))
            ])
            switch Int.random(in: 0..<20, using: &generator) {
            case 0: now += 7_200  // beyond the walk: recounted from the buckets
            case 1: now -= Int64.random(in: 1...30, using: &generator)  // the clock stepped back
            default: now += Int64.random(in: 0...3, using: &generator)
            }
            if step % 3 == 0 {
                #expect(snapshot.openSessions(at: now) == Self.countedByPass(snapshot, at: now), "step \(step)")
            }
        }
    }
}
