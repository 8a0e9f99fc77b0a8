import BenchSupport
import BrokerStubs
import CMosquittoBroker
import Foundation
import MosquittoSessionAuth
import SessionAuthCore
import SessionAuthCrypto
import SessionStore

// `make bench`: what a store change costs the broker loop, at 10 sessions (the baseline) and at
// 100,000, in the same run. The plugin is driven through its C entry points against the broker stubs
// (Tests/BrokerStubs), so the numbers are the plugin's own work inside MOSQ_EVT_TICK: the store read,
// the snapshot update, the eviction sweep and the kick. 15,000 clients are connected at 100,000
// sessions (this machine allows about 20,000 open files per broker process).

struct Result {
    let sessions: Int
    let connected: Int
    let startupMilliseconds: Double
    /// Median and max: the max is the tick that also published the metrics (one pass over the sessions,
    /// every `sys_interval`), the median the tick that does only the data_version check.
    let idleTickMicroseconds: [Double]
    let changeTickMilliseconds: [Double]
    let closeToKickMilliseconds: [Double]
}

let clock = ContinuousClock()
func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
}

func run(sessions count: Int, connected: Int, changes: Int) throws -> Result {
    stub_reset()
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reload-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("sessions.db").path
    let pin = "123456"
    try BenchStore.fill(at: path, count: count, pin: pin)

    var userdata: UnsafeMutableRawPointer?
    var options = [mosquitto_opt(key: strdup("db_path"), value: strdup(path))]
    let startup = clock.measure {
        _ = options.withUnsafeMutableBufferPointer {
            pluginInit(OpaquePointer(bitPattern: 1)!, &userdata, $0.baseAddress, 1)
        }
    }
    defer {
        _ = pluginCleanup(userdata, nil, 0)
        options.forEach {
            free($0.key)
            free($0.value)
        }
    }

    // One device per session for the first `connected` sessions.
    var clients: [OpaquePointer] = []
    for index in 0..<connected {
        let client = stub_client_new("s\(index)-dev", "127.0.0.1")!
        clients.append(client)
        guard stub_basic_auth(client, "dev", "s\(index):\(pin)") == MOSQ_ERR_SUCCESS.rawValue else {
            throw NSError(domain: "login of s\(index) refused", code: 1)
        }
    }
    defer { clients.forEach { stub_client_free($0) } }

    // A tick with nothing new: the data_version check (every 100 ms) and the once-a-second sweep.
    var idle: [Double] = []
    for _ in 0..<50 {
        Thread.sleep(forTimeInterval: 0.02)
        idle.append(milliseconds(clock.measure { _ = stub_tick() }) * 1_000)
    }

    // One session closed by another connection (sessionctl), then the broker's 10-per-second ticks
    // until the kick: the cost of the tick that applies it, and the time from commit to kick.
    let writer = try SessionStore.open(at: path)
    var changeTicks: [Double] = []
    var latencies: [Double] = []
    for change in 0..<changes {
        let victim = change * (connected / changes)
        let kicksBefore = stub_kick_count()
        let committed = clock.now
        _ = try writer.closeSession(id: "s\(victim)", at: Int64(Date().timeIntervalSince1970))
        while stub_kick_count() == kicksBefore {
            Thread.sleep(forTimeInterval: 0.1)
            let cost = clock.measure { _ = stub_tick() }
            if stub_kick_count() > kicksBefore {
                changeTicks.append(milliseconds(cost))
                latencies.append(milliseconds(clock.now - committed))
            }
            if clock.now - committed > .seconds(5) { throw NSError(domain: "no kick within 5 s", code: 2) }
        }
    }
    return Result(
        sessions: count, connected: connected, startupMilliseconds: milliseconds(startup),
        idleTickMicroseconds: idle, changeTickMilliseconds: changeTicks,
        closeToKickMilliseconds: latencies)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
}

func format(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }

let baseline = try run(sessions: 10, connected: 10, changes: 10)
let large = try run(sessions: 100_000, connected: 15_000, changes: 10)
print("store change -> broker (plugin work inside MOSQ_EVT_TICK; 50 idle ticks, 10 changes; median / max):")
print("sessions  connected  startup ms  idle tick us       change tick ms   close-to-kick ms")
for result in [baseline, large] {
    print(
        "\(String(result.sessions).padding(toLength: 9, withPad: " ", startingAt: 0)) "
            + "\(String(result.connected).padding(toLength: 10, withPad: " ", startingAt: 0)) "
            + "\(format(result.startupMilliseconds, 1).padding(toLength: 11, withPad: " ", startingAt: 0)) "
            + "\("\(format(median(result.idleTickMicroseconds), 1)) / \(format(result.idleTickMicroseconds.max() ?? .nan, 0))".padding(toLength: 18, withPad: " ", startingAt: 0)) "
            + "\(format(median(result.changeTickMilliseconds))) / \(format(result.changeTickMilliseconds.max() ?? .nan))"
            + "     \(format(median(result.closeToKickMilliseconds), 0)) / \(format(result.closeToKickMilliseconds.max() ?? .nan, 0))"
    )
}
print(
    "ratio 100k/10: change tick \(format(median(large.changeTickMilliseconds) / median(baseline.changeTickMilliseconds))), "
        + "idle tick \(format(median(large.idleTickMicroseconds) / median(baseline.idleTickMicroseconds))) (medians)")
