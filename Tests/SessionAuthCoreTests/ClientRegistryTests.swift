import SessionAuthCore
import Testing

@Suite struct ClientRegistryTests {
    let now = Fixtures.now

    @Test func admitThenRemove() {
        var registry = ClientRegistry()
        let client = Fixtures.client(session: "s1")
        registry.admit(client, as: ConnectionID(1))
        #expect(registry.count == 1)
        #expect(registry[ConnectionID(1)] == client)
        #expect(registry[ConnectionID(2)] == nil)
        #expect(registry.remove(ConnectionID(1)) == client)
        #expect(registry.count == 0)
        #expect(registry[ConnectionID(1)] == nil)
        #expect(registry.remove(ConnectionID(1)) == nil)
    }

    @Test func removingAnUnknownConnectionChangesNothing() {
        var registry = ClientRegistry()
        registry.admit(Fixtures.client(session: "s1"), as: ConnectionID(1))
        #expect(registry.remove(ConnectionID(99)) == nil)
        #expect(registry.count == 1)
    }

    @Test func sameUsernameInTwoSessionsIsTrackedPerConnection() {
        var registry = ClientRegistry()
        let first = Fixtures.client(session: "s1", username: "sensor1", clientID: "s1-sensor1")
        let second = Fixtures.client(session: "s2", username: "sensor1", clientID: "s2-sensor1")
        registry.admit(first, as: ConnectionID(1))
        registry.admit(second, as: ConnectionID(2))
        #expect(registry.count == 2)
        #expect(registry[ConnectionID(1)] == first)
        #expect(registry[ConnectionID(2)] == second)

        // Closing s1 disconnects only s1's sensor1.
        let sessions = SessionSnapshot([Fixtures.session("s1", closedAt: now), Fixtures.session("s2")])
        #expect(registry.evictClientsNoLongerAllowed(sessions, now: now).map(\.client) == [first])
        #expect(registry.count == 1)
        #expect(registry[ConnectionID(2)] == second)
    }

    @Test func evictsOnlyClientsOfClosedExpiredOrMissingSessions() {
        var registry = ClientRegistry()
        let open = Fixtures.client(session: "open")
        let openToo = Fixtures.client(session: "open", username: "dev2")
        let closed = Fixtures.client(session: "closed")
        let expired = Fixtures.client(session: "expired")
        let expiresLater = Fixtures.client(session: "later")
        let missing = Fixtures.client(session: "missing")
        let missingToo = Fixtures.client(session: "missing", username: "dev2")
        for (index, client) in [open, openToo, closed, expired, expiresLater, missing, missingToo].enumerated() {
            registry.admit(client, as: ConnectionID(UInt(index + 1)))
        }
        #expect(registry.count == 7)
        let sessions = SessionSnapshot([
            Fixtures.session("open"),
            Fixtures.session("closed", closedAt: now - 5),
            Fixtures.session("expired", expiresAt: now),
            Fixtures.session("later", expiresAt: now + 1),
        ])

        let evicted = registry.evictClientsNoLongerAllowed(sessions, now: now).map(\.client)
        #expect(evicted.map(\.clientID).sorted() == [closed, expired, missing, missingToo].map(\.clientID).sorted())
        #expect(registry.count == 3)
        #expect(registry[ConnectionID(1)] == open)
        #expect(registry[ConnectionID(2)] == openToo)
        #expect(registry[ConnectionID(5)] == expiresLater)
        for forgotten in [3, 4, 6, 7] { #expect(registry[ConnectionID(UInt(forgotten))] == nil) }

        // Evicted clients are forgotten: a second pass returns nothing new.
        #expect(registry.evictClientsNoLongerAllowed(sessions, now: now).isEmpty)
        // A second later, "later" has expired too.
        #expect(registry.evictClientsNoLongerAllowed(sessions, now: now + 1).map(\.client) == [expiresLater])
        #expect(registry.count == 2)
    }

    /// A store change looks only at the changed sessions' clients; a session closed but not named
    /// is left to the sweep that covers it.
    @Test func evictingTheClientsOfChangedSessionsLooksOnlyAtThose() {
        var registry = ClientRegistry()
        let first = Fixtures.client(session: "s1")
        let second = Fixtures.client(session: "s2")
        registry.admit(first, as: ConnectionID(1))
        registry.admit(second, as: ConnectionID(2))
        let sessions = Fixtures.snapshot([
            Fixtures.session("s1", closedAt: now), Fixtures.session("s2", closedAt: now),
        ])
        #expect(registry.evictClients(ofSessions: ["s1"], sessions, now: now).map(\.client) == [first])
        #expect(registry[ConnectionID(2)] == second)
        let evicted = registry.evictClients(ofSessions: ["s2"], sessions, now: now)
        #expect(evicted.map(\.client) == [second])
        #expect(evicted.map(\.reason) == [.sessionNotOpen("s2", .closed)])
        #expect(registry.count == 0)
    }

    /// The once-a-second sweep finds connections by their expiry second, including an expiry the store
    /// moved while they were connected; a stale entry for the old second does not evict early.
    @Test func theExpirySweepFindsDueConnectionsOnly() {
        var registry = ClientRegistry()
        let soon = Fixtures.client(session: "soon", expiresAt: now + 2)
        let moved = Fixtures.client(session: "moved", expiresAt: now + 1)
        let never = Fixtures.client(session: "never")
        registry.admit(soon, as: ConnectionID(1))
        registry.admit(moved, as: ConnectionID(2))
        registry.admit(never, as: ConnectionID(3))
        var sessions = Fixtures.snapshot([
            Fixtures.session("soon", expiresAt: now + 2), Fixtures.session("moved", expiresAt: now + 1),
            Fixtures.session("never"),
        ])
        #expect(registry.evictExpired(sessions, now: now).isEmpty)
        let extended = Fixtures.session("moved", expiresAt: now + 5, revision: 2)
        sessions.apply([extended])
        registry.updateExpiry(from: [extended])
        #expect(registry.evictExpired(sessions, now: now + 1).isEmpty)
        #expect(registry.evictExpired(sessions, now: now + 2).map(\.client) == [soon])
        // Seconds skipped between sweeps (a slow tick) are covered.
        #expect(registry.evictExpired(sessions, now: now + 6).map(\.client) == [moved])
        #expect(registry.count == 1)
        #expect(registry[ConnectionID(3)] == never)
    }

    @Test func theExpirySweepDoesNotMissAConnectionAdmittedAfterAClockStepBack() {
        var registry = ClientRegistry()
        let sessions = Fixtures.snapshot([Fixtures.session("s1", expiresAt: now + 1)])
        #expect(registry.evictExpired(sessions, now: now + 10).isEmpty)
        // The clock stepped back: a connection expiring at a second already swept is still found.
        registry.admit(Fixtures.client(session: "s1", expiresAt: now + 1), as: ConnectionID(1))
        #expect(registry.evictExpired(sessions, now: now + 11).count == 1)
    }

    @Test func evictOnAnEmptyRegistry() {
        var registry = ClientRegistry()
        #expect(registry.evictClientsNoLongerAllowed(SessionSnapshot(), now: now).isEmpty)
    }

    @Test func clientIDTakeoverForgetsTheOldConnection() {
        var registry = ClientRegistry()
        let old = Fixtures.client(session: "s1", clientID: "phone")
        let new = Fixtures.client(session: "s1", clientID: "phone")
        registry.admit(old, as: ConnectionID(1))
        registry.admit(new, as: ConnectionID(2))
        #expect(registry.count == 1)
        #expect(registry[ConnectionID(1)] == nil)
        #expect(registry[ConnectionID(2)] == new)

        // The broker disconnects the old connection after the new one was admitted.
        #expect(registry.remove(ConnectionID(1)) == nil)
        #expect(registry.count == 1)
        #expect(registry[ConnectionID(2)] == new)

        // And the client id still points at the new connection: a third takeover replaces it.
        let third = Fixtures.client(session: "s1", clientID: "phone")
        registry.admit(third, as: ConnectionID(3))
        #expect(registry.count == 1)
        #expect(registry[ConnectionID(2)] == nil)
        #expect(registry[ConnectionID(3)] == third)
    }

    @Test func takeoverAcrossSessionsLeavesNothingOfTheOldSession() {
        var registry = ClientRegistry()
        let old = Fixtures.client(session: "s1", clientID: "phone")
        let new = Fixtures.client(session: "s2", clientID: "phone")
        registry.admit(old, as: ConnectionID(1))
        registry.admit(new, as: ConnectionID(2))
        let sessions = SessionSnapshot([Fixtures.session("s1", closedAt: now), Fixtures.session("s2")])
        // s1 is closed but its only client was taken over: nothing to disconnect.
        #expect(registry.evictClientsNoLongerAllowed(sessions, now: now).isEmpty)
        #expect(registry[ConnectionID(2)] == new)
    }

    @Test func readmittingAConnectionUnderTheSameClientIDKeepsTheClientID() {
        var registry = ClientRegistry()
        let first = Fixtures.client(session: "s1", clientID: "a")
        let again = Fixtures.client(session: "s1", clientID: "a")
        registry.admit(first, as: ConnectionID(1))
        registry.admit(again, as: ConnectionID(1))
        #expect(registry.count == 1)
        #expect(registry.holdsClientID("a"))
        #expect(registry[ConnectionID(1)] == again)
        registry.remove(ConnectionID(1))
        #expect(!registry.holdsClientID("a"))
        #expect(registry.count == 0)
    }

    @Test func readmittingAConnectionReplacesItsClient() {
        var registry = ClientRegistry()
        let first = Fixtures.client(session: "s1", clientID: "a")
        let second = Fixtures.client(session: "s2", clientID: "b")
        registry.admit(first, as: ConnectionID(1))
        registry.admit(second, as: ConnectionID(1))
        #expect(registry.count == 1)
        #expect(registry[ConnectionID(1)] == second)

        // Client id "a" is free again: admitting it elsewhere must not drop connection 1.
        let other = Fixtures.client(session: "s1", clientID: "a")
        registry.admit(other, as: ConnectionID(2))
        #expect(registry.count == 2)
        #expect(registry[ConnectionID(1)] == second)

        // Connection 1 no longer belongs to s1.
        let sessions = SessionSnapshot([Fixtures.session("s1", closedAt: now), Fixtures.session("s2")])
        #expect(registry.evictClientsNoLongerAllowed(sessions, now: now).map(\.client) == [other])
        #expect(registry[ConnectionID(1)] == second)
    }
}

@Suite struct ClientRegistryExpiryTests {
    @Test func changedExpiryReachesConnectedClientsOfThatSessionOnly() {
        var registry = ClientRegistry()
        registry.admit(Fixtures.client(session: "s1", username: "a"), as: ConnectionID(1))
        registry.admit(Fixtures.client(session: "s2", username: "b"), as: ConnectionID(2))
        registry.updateExpiry(from: [Fixtures.session("s1", expiresAt: Fixtures.now + 5)])
        #expect(registry[ConnectionID(1)]?.expiresAt == Fixtures.now + 5)
        #expect(registry[ConnectionID(2)]?.expiresAt == nil)
    }

    @Test func loginCarriesTheSessionExpiry() throws {
        let sessions = Fixtures.snapshot([Fixtures.session("s1", expiresAt: Fixtures.now + 60)])
        let client = try LoginPolicy().authenticate(
            LoginAttempt(username: bytes("dev1"), password: bytes("s1:123456"), clientID: bytes("dev1")),
            sessions: sessions, now: Fixtures.now, digester: Fixtures.digester
        ).get()
        #expect(client.expiresAt == Fixtures.now + 60)
    }
}

@Suite struct ClientRegistryDepartureTests {
    @Test func departedConnectionStaysUntilForgotten() {
        var registry = ClientRegistry()
        registry.admit(Fixtures.client(session: "s1", username: "a", clientID: "a"), as: ConnectionID(1))
        #expect(registry.depart(ConnectionID(1))?.clientID == "a")
        #expect(registry[ConnectionID(1)] != nil, "kept so that its will can still be judged")
        registry.forgetDeparted()
        #expect(registry[ConnectionID(1)] == nil)
        #expect(!registry.holdsClientID("a"))
        #expect(registry.depart(ConnectionID(1)) == nil)
    }

    @Test func departedConnectionIsNeverEvictedForAKick() {
        var registry = ClientRegistry()
        registry.admit(Fixtures.client(session: "s1", username: "a", clientID: "a"), as: ConnectionID(1))
        registry.admit(Fixtures.client(session: "s1", username: "b", clientID: "b"), as: ConnectionID(2))
        _ = registry.depart(ConnectionID(1))
        let evicted = registry.evictClientsNoLongerAllowed(SessionSnapshot(), now: Fixtures.now).map(\.client)
        #expect(evicted.map(\.clientID) == ["b"])
        #expect(registry.count == 0)
    }
}
