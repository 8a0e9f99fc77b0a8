#if canImport(Glibc)
    import Glibc
#endif

enum Clock {
    /// Wall-clock time: session expiry is a wall-clock promise.
    static func nowMilliseconds() -> Int64 {
        let spec = wallClock()
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    /// Whole seconds of wall-clock time, what expiry is compared with on every ACL check of a connection
    /// that has an end (the same as `nowMilliseconds() / 1000` without the arithmetic).
    static func nowSeconds() -> Int64 {
        Int64(wallClock().tv_sec)
    }

    /// Never inlined: a `timespec` on the caller's stack made it pay for a stack protector, the ACL
    /// check included, although that one reads the clock only for connections with an end.
    @inline(never)
    private static func wallClock() -> timespec {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return spec
    }
}
