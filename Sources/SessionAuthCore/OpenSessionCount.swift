/// How many sessions are open at a given second, kept up to date as records come and go, so that the
/// `$SYS` metrics do not walk every session (that pass took ~3 ms of the broker's loop at 100,000
/// sessions, every `sys_interval`).
///
/// A session is open when it is not closed and its expiry, if any, is still ahead (`SessionRecord.status`).
/// Not-closed sessions are counted, and those with an expiry are also counted by their expiry second;
/// the ones whose second has come are summed up to the last second asked about and carried forward
/// from there, so a query costs one lookup per second elapsed since the previous one.
struct OpenSessionCount: Sendable {
    private var notClosed = 0
    /// Not-closed sessions by expiry second.
    private var byExpiry: [Int64: Int] = [:]
    /// The second `expired` was counted up to (inclusive), once a query has been made.
    private var countedThrough: Int64?
    /// Not-closed sessions whose expiry second is at or before `countedThrough`.
    private var expired = 0

    /// A clock jump longer than this recounts from the buckets instead of walking the seconds.
    private static let longestWalk: Int64 = 3_600

    mutating func add(_ record: SessionRecord) {
        change(record, by: 1)
    }

    mutating func remove(_ record: SessionRecord) {
        change(record, by: -1)
    }

    private mutating func change(_ record: SessionRecord, by delta: Int) {
        guard record.closedAt == nil else { return }
        notClosed += delta
        guard let second = record.expiresAt else { return }
        let remaining = (byExpiry[second] ?? 0) + delta
        byExpiry[second] = remaining == 0 ? nil : remaining
        if let countedThrough, second <= countedThrough { expired += delta }
    }

    /// The number of open sessions at `now` (seconds).
    mutating func open(at now: Int64) -> Int {
        if let countedThrough, now >= countedThrough, now - countedThrough <= Self.longestWalk {
            var second = countedThrough
            while second < now {
                second += 1
                expired += byExpiry[second] ?? 0
            }
        } else {
            // The first query, a clock that stepped back, or one that jumped far ahead.
            expired = byExpiry.reduce(0) { $0 + ($1.key <= now ? $1.value : 0) }
        }
        countedThrough = now
        return notClosed - expired
    }
}
