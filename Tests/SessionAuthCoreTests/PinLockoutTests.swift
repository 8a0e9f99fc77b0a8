import SessionAuthCore
import Testing

@Suite struct PinLockoutTests {
    static let settings = PinLockout.Settings(maxFailures: 3, window: 60, lockSeconds: 300)
    static let now = Fixtures.now

    @Test func locksAfterTheMaximumWithinTheWindowAndReportsTheLockOnce() {
        var lockout = PinLockout(Self.settings)
        #expect(lockout.recordFailure("s1", now: Self.now) == false)
        #expect(lockout.recordFailure("s1", now: Self.now + 1) == false)
        #expect(!lockout.isLocked("s1", now: Self.now + 1))
        #expect(lockout.recordFailure("s1", now: Self.now + 2) == true)
        #expect(lockout.isLocked("s1", now: Self.now + 2))
        #expect(lockout.isLocked("s1", now: Self.now + 301))
        #expect(!lockout.isLocked("s1", now: Self.now + 302))
        #expect(!lockout.isLocked("s2", now: Self.now + 2), "another session is not affected")
    }

    @Test func failuresOutsideTheWindowDoNotCount() {
        var lockout = PinLockout(Self.settings)
        _ = lockout.recordFailure("s1", now: Self.now)
        _ = lockout.recordFailure("s1", now: Self.now + 1)
        // At +61 both earlier failures are out of the 60 s window: the count starts again from one.
        #expect(lockout.recordFailure("s1", now: Self.now + 61) == false)
        #expect(!lockout.isLocked("s1", now: Self.now + 61))
        #expect(lockout.recordFailure("s1", now: Self.now + 62) == false)
        #expect(lockout.recordFailure("s1", now: Self.now + 63) == true)
    }

    @Test func forgetsWhatNoLongerMatters() {
        var lockout = PinLockout(Self.settings)
        _ = lockout.recordFailure("old", now: Self.now)
        for second in 0..<3 { _ = lockout.recordFailure("locked", now: Self.now + Int64(second)) }
        lockout.forgetExpired(now: Self.now + 100)
        #expect(lockout.trackedSessions == 1)
        lockout.forgetExpired(now: Self.now + 400)
        #expect(lockout.trackedSessions == 0)
    }

    @Test func lockedSessionRefusesTheRightPinToo() {
        let sessions = Fixtures.snapshot([Fixtures.session("s1")])
        let attempt = LoginAttempt(username: bytes("dev1"), password: bytes("s1:123456"), clientID: bytes("dev1"))
        let refused = LoginPolicy().authenticate(
            attempt, sessions: sessions, now: Self.now, digester: Fixtures.digester, isPinLocked: { $0 == "s1" })
        #expect(refused == .failure(.pinLoginLocked("s1")))
        let allowed = LoginPolicy().authenticate(
            attempt, sessions: sessions, now: Self.now, digester: Fixtures.digester, isPinLocked: { _ in false })
        #expect((try? allowed.get()) != nil)
    }

    @Test(arguments: [
        (
            [("pin_max_failures", "3"), ("pin_failure_window", "2m"), ("pin_lockout", "1h")],
            PinLockout.Settings(maxFailures: 3, window: 120, lockSeconds: 3600)
        ),
        ([], PinLockout.Settings(maxFailures: 10, window: 60, lockSeconds: 300)),
    ])
    func optionsSetTheLockout(pairs: [(String, String)], expected: PinLockout.Settings) throws {
        #expect(try PluginOptions(pairs.map { (key: $0.0, value: $0.1) }).pinLockout == expected)
    }

    @Test(arguments: [
        ("pin_max_failures", "0"), ("pin_max_failures", "+3"), ("pin_max_failures", "1001"),
        ("pin_failure_window", "0"),
        ("pin_failure_window", "2d"), ("pin_lockout", "8d"), ("pin_lockout", "5x"),
    ])
    func badLockoutOptionsAreRefused(key: String, value: String) {
        #expect(throws: OptionError.self) { try PluginOptions([(key: key, value: value)]) }
    }
}
