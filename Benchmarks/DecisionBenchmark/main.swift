import SessionAuthCore

// `make bench`: the cost of one ACL decision (AccessPolicy.decide, exactly what the plugin runs per
// PUBLISH and per delivery) with 10 sessions in the snapshot (the baseline) and with 100,000, measured
// in the same run. The decision must not grow with the number of sessions.

let telemetry = Profile(
    name: "telemetry", description: "",
    rules: [
        ProfileRule(profile: "telemetry", role: "device", access: .write, pattern: "dt/+/%u/#"),
        ProfileRule(profile: "telemetry", role: "device", access: .readwrite, pattern: "cmd/+/%u/#"),
    ])

func snapshot(sessions count: Int) -> SessionSnapshot {
    let records = (0..<count).map { index in
        SessionRecord(
            id: "s\(index)", pinHash: "", type: "telemetry", label: nil, createdAt: 0, expiresAt: nil, closedAt: nil,
            revision: Int64(index + 1))
    }
    return SessionSnapshot(records, profiles: [telemetry])
}

func client(session: String) -> AuthenticatedClient {
    AuthenticatedClient(
        sessionID: session, username: "sensor7", clientID: "sensor7", role: "device", topicRoot: "\(session)/",
        profile: telemetry, profileName: "telemetry")
}

/// Nanoseconds per decision: the best of `rounds` timed loops of `iterations` decisions each.
func measure(_ sessions: SessionSnapshot, _ member: AuthenticatedClient, topics: [String], iterations: Int, rounds: Int)
    -> (ns: Double, allowed: Int)
{
    var best = Double.infinity
    var allowed = 0
    let clock = ContinuousClock()
    for _ in 0..<rounds {
        allowed = 0
        let start = clock.now
        for index in 0..<iterations {
            let topic = topics[index & (topics.count - 1)]
            if AccessPolicy.decide(.write, topic: topic, client: member, sessions: sessions, now: 1) == .allow {
                allowed += 1
            }
        }
        let elapsed = clock.now - start
        let ns = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        best = min(best, ns / Double(iterations))
    }
    return (best, allowed)
}

let iterations = 2_000_000
let rounds = 7
var rows: [(String, Double)] = []
for sessionCount in [10, 100_000] {
    let sessions = snapshot(sessions: sessionCount)
    // A member of a session in the middle of the snapshot; half the topics are allowed, half denied.
    let id = "s\(sessionCount / 2)"
    let member = client(session: id)
    let topics = [
        "\(id)/dt/temp/sensor7/c", "\(id)/dt/temp/sensor8/c", "\(id)/cmd/fw/sensor7/ack", "\(id)/other/x",
    ]
    let (ns, allowed) = measure(sessions, member, topics: topics, iterations: iterations, rounds: rounds)
    guard allowed == iterations / 2 else {
        print("decision benchmark: wrong decisions (\(allowed) of \(iterations) allowed, expected half)")
        exit(1)
    }
    rows.append(("\(sessionCount) sessions", ns))
}

let baseline = rows[0].1
print("ACL decision (AccessPolicy.decide, write, telemetry device rules, 5-level topics), best of \(rounds) x \(iterations):")
for (name, ns) in rows {
    let ratio = ns / baseline
    let label = name + String(repeating: " ", count: max(0, 18 - name.count))
    print("  \(label) \(String(format1: ns)) ns/decision   ratio \(String(format2: ratio))")
}

extension String {
    init(format1 value: Double) { self = String(Int((value * 10).rounded())) .inserting(".", fromEnd: 1) }
    init(format2 value: Double) { self = String(Int((value * 100).rounded())).inserting(".", fromEnd: 2) }

    func inserting(_ separator: Character, fromEnd count: Int) -> String {
        var digits = self
        while digits.count <= count { digits = "0" + digits }
        digits.insert(separator, at: digits.index(digits.endIndex, offsetBy: -count))
        return digits
    }
}

#if canImport(Glibc)
    import Glibc
#endif
