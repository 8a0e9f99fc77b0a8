import SessionAuthCore
import Testing

@Suite struct SessionSnapshotTests {
    let now = Fixtures.now

    @Test func statusAtAGivenSecond() {
        #expect(Fixtures.session("s").status(at: now) == .open)
        #expect(Fixtures.session("s", expiresAt: now + 1).status(at: now) == .open)
        #expect(Fixtures.session("s", expiresAt: now).status(at: now) == .expired)
        #expect(Fixtures.session("s", expiresAt: now - 1).status(at: now) == .expired)
        #expect(Fixtures.session("s", closedAt: now - 1).status(at: now) == .closed)
        // Closed wins over expired: the operator's action is what the logs should say.
        #expect(Fixtures.session("s", expiresAt: now - 100, closedAt: now - 1).status(at: now) == .closed)
    }

    @Test func applyReplacesOlderCopiesAndTracksTheHighestRevision() {
        var snapshot = SessionSnapshot()
        #expect(snapshot.count == 0)
        #expect(snapshot.revision == 0)
        snapshot.apply([Fixtures.session("s1", revision: 1), Fixtures.session("s2", revision: 2)])
        #expect(snapshot.count == 2)
        #expect(snapshot.revision == 2)
        #expect(snapshot["s1"]?.closedAt == nil)

        snapshot.apply([Fixtures.session("s1", closedAt: now, revision: 3)])
        #expect(snapshot.count == 2)
        #expect(snapshot.revision == 3)
        #expect(snapshot["s1"]?.closedAt == now)
        #expect(snapshot["s1"]?.status(at: now) == .closed)
        #expect(snapshot["s3"] == nil)
    }

    @Test func revisionNeverGoesBackwards() {
        var snapshot = SessionSnapshot([Fixtures.session("s1", revision: 7)])
        snapshot.apply([Fixtures.session("s2", revision: 3)])
        #expect(snapshot.revision == 7)
        #expect(snapshot.count == 2)
    }
}
