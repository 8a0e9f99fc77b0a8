import Foundation

/// The sessions and tokens made before the broker starts, shared read-only by every thread.
struct SoakFixture: Sendable {
    struct StableSession: Sendable {
        let session: SessionCtlRunner.Session
        let tokens: [SessionCtlRunner.Token]
        var id: String { session.id }
    }

    /// `open` sessions for valid pin and token logins; never closed.
    let open: [StableSession]
    /// `telemetry` sessions, each with a token of role `service` (reads `dt/#`).
    let telemetry: [StableSession]
    /// The first sessions that only ever see wrong pins (the churn thread adds more to the book).
    let decoys: [SessionCtlRunner.Session]
    /// A session no valid client publishes in: its watchers must never receive anything.
    let watched: SessionCtlRunner.Session
    /// The session of the starvation probe: no flood targets it.
    let probe: StableSession
    let forgeries: [ForgedTokens.Forgery]
    /// Forgeries that cost the broker a full signature verification (known key id, intact structure).
    let floodForgeries: [ForgedTokens.Forgery]

    static func make(ctl: SessionCtlRunner, directory: String) throws -> SoakFixture {
        try ctl.initialise()
        let open = try (0..<8).map { index in
            let session = try ctl.create(type: "open")
            let tokens = try (0..<3).map { try ctl.join(session, device: "tok\(index)-\($0)") }
            return StableSession(session: session, tokens: tokens)
        }
        let telemetry = try (0..<2).map { index in
            let session = try ctl.create(type: "telemetry")
            return StableSession(
                session: session, tokens: [try ctl.token(for: session, device: "svc\(index)", role: "service")])
        }
        let decoys = try (0..<4).map { _ in try ctl.create(type: "open") }
        let watched = try ctl.create(type: "open")
        let probeSession = try ctl.create(type: "open")
        let probe = StableSession(session: probeSession, tokens: [try ctl.join(probeSession, device: "probe")])

        // A real token for a session id the broker knows, signed by a key it does not.
        let foreignStore = "\(directory)/foreign/sessions.db"
        try FileManager.default.createDirectory(atPath: "\(directory)/foreign", withIntermediateDirectories: true)
        try ctl.initialise(database: foreignStore)
        let twin = try ctl.create(type: "open", id: open[0].id, database: foreignStore)
        let foreign = try ctl.join(twin, device: "tok0-0", database: foreignStore)
        // A real token that expires a second after it is issued; the fixture is used well after that.
        let expired = try ctl.join(open[1].session, device: "tok1-0", ttl: "1")

        let forgeries = ForgedTokens.make(
            genuine: [open[0].tokens[0], open[2].tokens[1]], foreign: foreign, expired: expired)
        let costly: Set = ["bad signature", "another token's signature", "edited claims", "extended exp"]
        // exp is checked as `now < exp` with no leeway: two seconds past it, it has certainly expired.
        while Clock.unixSeconds() < expired.expiresAt + 2 { Clock.sleep(0.1) }
        return SoakFixture(
            open: open, telemetry: telemetry, decoys: decoys, watched: watched, probe: probe, forgeries: forgeries,
            floodForgeries: forgeries.filter { costly.contains($0.name) })
    }
}
