import Foundation
import Testing

/// Every pin and token the integration tests hand out, so that each broker's log can be searched for
/// them when the broker stops: over the whole run, no log line may contain a secret (issue 8).
enum IssuedSecrets {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var pins: Set<String> = []
    nonisolated(unsafe) private static var tokens: Set<String> = []

    static func pin(_ pin: String) { lock.withLock { _ = pins.insert(pin) } }
    static func token(_ token: String) { lock.withLock { _ = tokens.insert(token) } }

    static var count: Int { lock.withLock { pins.count + tokens.count } }

    /// Records an issue for every known secret in `log`. A pin counts only as a whole run of digits
    /// (timestamps and ports are digits too); a token, or any long piece of one, anywhere.
    static func check(log: String, of broker: String) {
        let (knownPins, knownTokens) = lock.withLock { (pins, tokens) }
        for token in knownTokens {
            // The signature alone would betray a token as well as the whole.
            let pieces = [token] + token.split(separator: ".").map(String.init).filter { $0.count >= 16 }
            for piece in pieces where log.contains(piece) {
                Issue.record("a token (or part of one) is in the log of \(broker)")
            }
        }
        guard !knownPins.isEmpty else { return }
        var digits = ""
        func flush() {
            if knownPins.contains(digits) { Issue.record("pin \(digits) is in the log of \(broker)") }
            digits = ""
        }
        for character in log {
            if character.isASCII && character.isNumber { digits.append(character) } else { flush() }
        }
        flush()
    }
}
