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

    /// Whole seconds of the kernel's coarse wall clock: on Linux `time()` returns the timekeeper's
    /// seconds as of its last update (in the vDSO as in the system call), which never runs ahead of
    /// `CLOCK_REALTIME` and trails it by at most one timer tick. It costs a fraction of an exact
    /// reading and lets the ACL check skip that reading while a connection's end is seconds away
    /// (`MessageShortcut.allows(coarseNow:now:)`).
    static func coarseSeconds() -> Int64 {
        Int64(time(nil))
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
