/// Pin guessing, counted per session: after `maxFailures` wrong pins within `window` seconds, pin
/// login to that session is locked for `lockSeconds` (right pin included), whoever tries.
///
/// Only sessions that exist are tracked (an unknown id is refused before the pin is looked at), so a
/// flood of made-up ids cannot grow this table.
public struct PinLockout: Sendable {
    public struct Settings: Equatable, Sendable {
        public var maxFailures: Int
        public var window: Int64
        public var lockSeconds: Int64

        public init(maxFailures: Int = 10, window: Int64 = 60, lockSeconds: Int64 = 300) {
            self.maxFailures = maxFailures
            self.window = window
            self.lockSeconds = lockSeconds
        }
    }

    private struct Tracker {
        var failures: [Int64] = []
        var lockedUntil: Int64?
    }

    public let settings: Settings
    private var trackers: [String: Tracker] = [:]

    public init(_ settings: Settings = Settings()) {
        self.settings = settings
    }

    public func isLocked(_ sessionID: String, now: Int64) -> Bool {
        guard let until = trackers[sessionID]?.lockedUntil else { return false }
        return now < until
    }

    /// Records a wrong pin. Returns true when this failure starts a lock (to log it once).
    public mutating func recordFailure(_ sessionID: String, now: Int64) -> Bool {
        var tracker = trackers[sessionID] ?? Tracker()
        tracker.failures.removeAll { $0 <= now - settings.window }
        tracker.failures.append(now)
        var locked = false
        if tracker.failures.count >= settings.maxFailures {
            tracker.lockedUntil = now + settings.lockSeconds
            tracker.failures.removeAll()
            locked = true
        }
        trackers[sessionID] = tracker
        return locked
    }

    /// Drops what no longer matters (old failures, ended locks); call about once a second.
    public mutating func forgetExpired(now: Int64) {
        trackers = trackers.filter { _, tracker in
            if let until = tracker.lockedUntil, now < until { return true }
            return tracker.failures.contains { $0 > now - settings.window }
        }
    }

    public var trackedSessions: Int { trackers.count }
}
