import Foundation
import Testing

extension IntegrationSuite {
    /// SPEC §2 "Pin guessing" on the real broker.
    @Suite struct PinLockoutTests {
        @Test func guessingLocksPinLoginForThatSessionOnly() throws {
            let broker = try Broker(options: [("pin_max_failures", "3"), ("pin_lockout", "1h")])
            defer { broker.stop() }
            let target = try broker.sessionctl.createSession()
            let other = try broker.sessionctl.createSession()
            let wrong = target.pin == "000000" ? "000001" : "000000"
            for attempt in 0..<3 {
                #expect(
                    broker.client("guess\(attempt)").connect(username: "x", password: "\(target.id):\(wrong)")
                        == notAuthorisedV311)
            }
            #expect(broker.client("owner").connect(username: "owner", password: target.password) == notAuthorisedV311)
            #expect(
                broker.waitForLog(
                    "refused client 'owner' from 127.0.0.1: pin login to session '\(target.id)' is locked"))
            #expect(broker.client("neighbour").connect(username: "n", password: other.password) == 0)
            let lockLines = broker.log.components(separatedBy: "\n").filter {
                $0.contains("locked for 3600 s after 3 wrong pins")
            }
            #expect(lockLines.count == 1)
        }
    }
}
