#if canImport(Glibc)
    import Glibc
#endif

/// Monotonic seconds: every time the soak compares (a close against a login, a CONNACK against its
/// CONNECT) comes from this one clock, so a wall-clock step cannot turn a right decision into an error.
enum Clock {
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Unix seconds, for comparing with a token's `exp`.
    static func unixSeconds() -> Int64 { Int64(time(nil)) }

    static func sleep(_ seconds: Double) {
        guard seconds > 0 else { return }
        usleep(useconds_t(seconds * 1e6))
    }
}
