import CMosquittoClient
import SeededRandom
import SessionAuthCore
import Testing

/// Compares `TopicFilter` with libmosquitto's own matcher on random pairs, and checks `covers` and
/// `intersects` against brute force over every small topic. Seeded, so a failure reproduces.
@Suite struct TopicMatcherDifferentialTests {
    static let literalLevels = ["a", "b", "$SYS", "$x", ""]
    static let filterLevels = literalLevels + ["+", "#"]
    static let topicAlphabet = ["a", "b", "$x", ""]

    static func randomText(from alphabet: [String], using generator: inout SplitMix64) -> String {
        let count = Int.random(in: 1...6, using: &generator)
        return (0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
            .joined(separator: "/")
    }

    /// libmosquitto's answer, or nil when it refuses the pair as invalid.
    static func mosquittoMatches(filter: String, topic: String) -> Bool? {
        var result = false
        let rc = mosquitto_topic_matches_sub(filter, topic, &result)
        return rc == Int32(MOSQ_ERR_SUCCESS.rawValue) ? result : nil
    }

    /// libmosquitto's own filter validation. It lets the empty filter through, which MQTT §4.7.3 forbids
    /// ("All Topic Names and Topic Filters MUST be at least one character long"); its matcher refuses it.
    static func mosquittoAcceptsFilter(_ filter: String) -> Bool {
        !filter.isEmpty && mosquitto_sub_topic_check(filter) == Int32(MOSQ_ERR_SUCCESS.rawValue)
    }

    @Test func matchesAgreesWithLibmosquitto() {
        var generator = SplitMix64(seed: 0x5e55_1011_a0d1_7e57)
        let pairs = 330_000
        var compared = 0
        var invalidFilterAnswered = 0
        var mismatches: [String] = []
        for _ in 0..<pairs {
            let filter = Self.randomText(from: Self.filterLevels, using: &generator)
            let topic = Self.randomText(from: Self.literalLevels, using: &generator)
            let parsed = TopicFilter(filter)
            let libmosquittoAccepts = Self.mosquittoAcceptsFilter(filter)
            if (parsed != nil) != libmosquittoAccepts, mismatches.count < 20 {
                mismatches.append("filter '\(filter)': libmosquitto's validity is \(libmosquittoAccepts)")
            }
            let expected = Self.mosquittoMatches(filter: filter, topic: topic)
            // libmosquitto 2.0.11 answers "no match" instead of MOSQ_ERR_INVAL for an invalid filter
            // such as `#/x` when the topic starts with '$': it applies the '$' rule (MQTT §4.7.2) before
            // it reads the rest of the filter. Such a filter is invalid (MQTT §4.7.1.2: '#' must be the
            // last level; its own mosquitto_sub_topic_check refuses it), and TopicFilter refuses it
            // above, so only pairs whose filter libmosquitto itself calls valid are compared.
            guard libmosquittoAccepts else {
                if expected != nil { invalidFilterAnswered += 1 }
                continue
            }
            guard let expected, let parsed else { continue }
            compared += 1
            if parsed.matches(topic) != expected, mismatches.count < 20 {
                mismatches.append("filter '\(filter)' topic '\(topic)': libmosquitto says \(expected)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
        #expect(compared >= 200_000, "only \(compared) valid pairs compared")
        print(
            "TopicMatcherDifferentialTests: \(compared) pairs compared with libmosquitto;"
                + " \(invalidFilterAnswered) answered by libmosquitto despite an invalid filter, skipped")
    }

    /// Every topic of 1–5 levels over `topicAlphabet`.
    static let allSmallTopics: [String] = {
        var topics: [[String]] = []
        var frontier: [[String]] = [[]]
        for _ in 1...5 {
            frontier = frontier.flatMap { prefix in topicAlphabet.map { prefix + [$0] } }
            topics += frontier
        }
        return topics.map { $0.joined(separator: "/") }
    }()

    @Test func coversAndIntersectsAreSoundAgainstBruteForce() throws {
        var generator = SplitMix64(seed: 0xc0fe_e5ba_dc0d_e123)
        let topics = Self.allSmallTopics
        #expect(topics.count == 4 + 16 + 64 + 256 + 1024)
        var filters: [TopicFilter] = []
        while filters.count < 300 {
            if let filter = TopicFilter(Self.randomText(from: Self.filterLevels, using: &generator)) {
                filters.append(filter)
            }
        }
        // One bit per topic per filter, so that each of the 90,000 pairs is a few word operations.
        let words = (topics.count + 63) / 64
        let matched: [[UInt64]] = filters.map { filter in
            var bits = [UInt64](repeating: 0, count: words)
            for (k, topic) in topics.enumerated() where filter.matches(topic) { bits[k / 64] |= 1 << UInt64(k % 64) }
            return bits
        }
        func firstTopic(in bits: [UInt64]) -> String {
            guard let word = bits.firstIndex(where: { $0 != 0 }) else { return "?" }
            return topics[word * 64 + bits[word].trailingZeroBitCount]
        }
        var coversTrue = 0
        var intersectsFalse = 0
        var failures: [String] = []
        for (i, a) in filters.enumerated() {
            for (j, b) in filters.enumerated() {
                if a.covers(b) {
                    coversTrue += 1
                    let missed = (0..<words).map { matched[j][$0] & ~matched[i][$0] }
                    if missed.contains(where: { $0 != 0 }), failures.count < 20 {
                        failures.append("'\(a)' covers '\(b)' but misses topic '\(firstTopic(in: missed))'")
                    }
                }
                if !a.intersects(b) {
                    intersectsFalse += 1
                    let common = (0..<words).map { matched[j][$0] & matched[i][$0] }
                    if common.contains(where: { $0 != 0 }), failures.count < 20 {
                        failures.append("'\(a)' does not intersect '\(b)' but both match '\(firstTopic(in: common))'")
                    }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures)")
        // The checks above are vacuous unless both answers occur often.
        #expect(coversTrue > 1_000)
        #expect(intersectsFalse > 1_000)
        print(
            "TopicMatcherDifferentialTests: \(filters.count * filters.count) filter pairs,"
                + " \(coversTrue) covering, \(intersectsFalse) disjoint")
    }
}
