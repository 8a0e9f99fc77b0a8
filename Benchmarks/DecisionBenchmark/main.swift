import SessionAuthCore

#if canImport(Glibc)
    import Glibc
#endif

// `make bench`: the cost of one ACL decision as the plugin makes it per PUBLISH and per delivery
// (find the connection in the ClientRegistry, then AccessPolicy.decideMessage on the topic's bytes), with 10 sessions (the
// baseline) and with 100,000 sessions, each with a connected device, measured in the same run.
// The decision must not grow with the number of sessions.

let telemetry = Profile(
    name: "telemetry", description: "",
    rules: [
        ProfileRule(profile: "telemetry", role: "device", access: .write, pattern: "dt/+/%u/#"),
        ProfileRule(profile: "telemetry", role: "device", access: .readwrite, pattern: "cmd/+/%u/#"),
    ])

/// Session ids of one length at every store size, so that both runs judge topics of the same length
/// (the matcher's cost follows the topic's bytes, which is not what this compares).
func sessionID(_ index: Int) -> String {
    let digits = String(index)
    return "s" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
}

func registry(sessions count: Int) -> ClientRegistry {
    var registry = ClientRegistry()
    for index in 0..<count {
        let id = sessionID(index)
        registry.admit(
            AuthenticatedClient(
                sessionID: id, username: "sensor7", clientID: "\(id)-sensor7", role: "device", topicRoot: "\(id)/",
                profile: telemetry, profileName: "telemetry"),
            as: ConnectionID(UInt(index + 1) &* 4096))
    }
    return registry
}

/// Nanoseconds per decision: the best of `rounds` timed loops of `iterations` decisions each.
func measure(_ registry: ClientRegistry, _ connection: ConnectionID, topics: [String], iterations: Int, rounds: Int)
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
            if let member = registry[connection],
                AccessPolicy.decideMessage(.write, topic: topic.utf8.span, client: member, now: 1) == .allow
            {
                allowed += 1
            }
        }
        let elapsed = clock.now - start
        let ns = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        best = min(best, ns / Double(iterations))
    }
    return (best, allowed)
}

// `decision-bench [ITERATIONS ROUNDS SESSIONS]`: Benchmarks/compare.py runs it under callgrind with two
// iteration counts and one session count, and takes the difference as the instructions per decision.
let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let custom = arguments.count == 3 && arguments.allSatisfy { $0 > 0 }
let iterations = custom ? arguments[0] : 2_000_000
let rounds = custom ? arguments[1] : 7
var rows: [(String, Double)] = []
for sessionCount in custom ? [arguments[2]] : [10, 100_000] {
    let clients = registry(sessions: sessionCount)
    // A device of a session in the middle; half the topics are allowed, half denied.
    let middle = sessionCount / 2
    let id = sessionID(middle)
    let topics = ["\(id)/dt/temp/sensor7/c", "\(id)/dt/temp/sensor8/c", "\(id)/cmd/fw/sensor7/ack", "\(id)/other/x"]
    let (ns, allowed) = measure(
        clients, ConnectionID(UInt(middle + 1) &* 4096), topics: topics, iterations: iterations, rounds: rounds)
    guard allowed == iterations / 2 else {
        print("decision benchmark: wrong decisions (\(allowed) of \(iterations) allowed, expected half)")
        exit(1)
    }
    rows.append(("\(sessionCount) sessions", ns))
}

let baseline = rows[0].1
print("ACL decision (registry lookup + AccessPolicy.decideMessage, write, telemetry device rules, 5-level topics),")
print("best of \(rounds) x \(iterations):")
for (name, ns) in rows {
    let label = name + String(repeating: " ", count: max(0, 18 - name.count))
    print("  \(label) \(fixed(ns, 1)) ns/decision   ratio \(fixed(ns / baseline, 2))")
}

/// `value` with `places` decimals, without Foundation.
func fixed(_ value: Double, _ places: Int) -> String {
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    var digits = String(Int((value * scale).rounded()))
    while digits.count <= places { digits = "0" + digits }
    digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -places))
    return digits
}
