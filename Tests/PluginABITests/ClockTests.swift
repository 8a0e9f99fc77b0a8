import Glibc
import Testing

@testable import MosquittoSessionAuth
@testable import SessionAuthCore

/// The ACL check lets the coarse clock answer alone only because it never runs ahead of the exact
/// clock and trails it by less than `MessageShortcut.coarseClockLag`: checked here on the real kernel.
@Suite struct ClockTests {
    @Test func theCoarseClockNeverRunsAheadOfTheExactOneNorTrailsItByTheAllowedLag() {
        var largestLag: Int64 = 0
        for _ in 0..<200_000 {
            let before = Clock.nowSeconds()
            let coarse = Clock.coarseSeconds()
            let after = Clock.nowSeconds()
            #expect(coarse <= after, "the coarse clock read \(coarse), ahead of the exact \(after)")
            largestLag = max(largestLag, before - coarse)
            if coarse > after { return }
        }
        #expect(largestLag < MessageShortcut.coarseClockLag, "the coarse clock trailed by \(largestLag) s")
        #expect(largestLag <= 1, "a second boundary between readings is the most the seconds may differ by")
    }
}
