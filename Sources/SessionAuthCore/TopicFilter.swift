/// An MQTT topic filter (MQTT 3.1.1 §4.7 / MQTT 5 §4.7), compared as bytes, never as Unicode.
///
/// `matches` runs on every PUBLISH and every delivery, so it walks the topic's bytes in place against
/// the filter's own bytes, checked once at init, and allocates nothing.
public struct TopicFilter: Hashable, Sendable, CustomStringConvertible {
    /// The longest topic or filter MQTT can carry: its length is a two-byte prefix (MQTT §1.5.3).
    static let maxLength = 65_535

    /// The filter's UTF-8, known valid: the only thing stored. `matches` walks this one buffer, and a
    /// filter compiled at every CONNECT costs one array (per-level arrays cost ~4,000 instructions
    /// to build and free per filter, measured in a pin CONNECT).
    @usableFromInline let pattern: [UInt8]

    /// The filter text, as given.
    public var description: String { String(decoding: pattern, as: UTF8.self) }

    /// The filter's levels, split on demand (the subscribe checks `covers` and `intersects` read them).
    public var levels: [TopicLevel] {
        pattern.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map { level in
            if level.count == 1, level.first == UInt8(ascii: "+") { return .singleLevel }
            if level.count == 1, level.first == UInt8(ascii: "#") { return .multiLevel }
            return .literal(Array(level))
        }
    }

    /// Nil when `text` is not a valid filter: empty, contains NUL, `#` not alone as the last level,
    /// `+` not alone in its level, or longer than 65535 bytes.
    public init?(_ text: String) {
        self.init(utf8: Array(text.utf8))
    }

    /// Same as `init?(_:)`, taking the filter's bytes (which need not be valid UTF-8 to be checked,
    /// but a filter that is not UTF-8 is refused by MQTT before it reaches here).
    public init?(utf8 bytes: [UInt8]) {
        guard Self.isValid(bytes) else { return nil }
        self.pattern = bytes
    }

    /// MQTT §4.7.1: a wildcard stands alone in its level, `#` only as the last level; no NUL anywhere.
    static func isValid(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty, bytes.count <= maxLength else { return false }
        let slash = UInt8(ascii: "/")
        var levelStart = 0
        for index in bytes.indices {
            switch bytes[index] {
            case slash:
                levelStart = index + 1
            case 0:
                return false
            case UInt8(ascii: "+"):
                guard index == levelStart, index + 1 == bytes.count || bytes[index + 1] == slash else { return false }
            case UInt8(ascii: "#"):
                guard index == levelStart, index + 1 == bytes.count else { return false }
            default:
                continue
            }
        }
        return true
    }

    // The bytes and the levels determine each other, so comparing and hashing the bytes is enough.
    public static func == (lhs: TopicFilter, rhs: TopicFilter) -> Bool { lhs.pattern == rhs.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }

    /// True when the topic name `topic` is matched by this filter. A topic that is not a valid name
    /// (empty, or containing `+`, `#` or NUL) is matched by no filter.
    @inlinable
    public func matches(_ topic: String) -> Bool {
        Self.walk(pattern.span, topic.utf8.span)
    }

    /// Same as `matches(_:)`, on bytes in place: the per-message path (a span borrows the topic's
    /// UTF-8 without copying it, and every read stays bounds-checked).
    @inlinable
    public func matches(span topic: Span<UInt8>) -> Bool {
        Self.walk(pattern.span, topic)
    }

    /// Same as `matches(_:)`, on any collection of bytes.
    @inlinable
    public func matches<Bytes: Collection>(bytes topic: Bytes) -> Bool where Bytes.Element == UInt8 {
        Self.walk(pattern.span, Array(topic).span)
    }

    /// Walks a valid filter's bytes and a topic's bytes level by level, as MQTT §4.7 describes.
    @inlinable
    static func walk(_ filter: Span<UInt8>, _ topic: Span<UInt8>) -> Bool {
        let slash = UInt8(ascii: "/")
        let plus = UInt8(ascii: "+")
        let hash = UInt8(ascii: "#")
        let filterEnd = filter.count
        let topicEnd = topic.count
        var f = 0
        var t = 0
        // MQTT §4.7.3: a topic name is at least one byte long (and a valid filter is never empty).
        guard t != topicEnd, f != filterEnd else { return false }
        // MQTT §4.7.2: a filter starting with a wildcard does not match a topic starting with '$'.
        // In a valid filter a level starting with '+' or '#' is exactly that wildcard.
        if topic[t] == UInt8(ascii: "$"), filter[f] == plus || filter[f] == hash { return false }
        // Each turn starts at the first byte of a filter level and of a topic level, either of which
        // may be empty (after a '/', possibly at the very end).
        while true {
            if f != filterEnd, filter[f] == hash {
                // Whatever remains is matched, if it is a valid name.
                while t != topicEnd {
                    if isForbiddenInName(topic[t]) { return false }
                    t &+= 1
                }
                return true
            }
            if f != filterEnd, filter[f] == plus {
                f &+= 1
                while t != topicEnd {
                    let byte = topic[t]
                    if byte == slash { break }
                    if isForbiddenInName(byte) { return false }
                    t &+= 1
                }
            } else {
                // A literal level holds no '/', '+', '#' or NUL, so equal bytes are valid name bytes.
                while f != filterEnd {
                    let expected = filter[f]
                    if expected == slash { break }
                    guard t != topicEnd, topic[t] == expected else { return false }
                    f &+= 1
                    t &+= 1
                }
            }
            // Both levels must end here: the filter's is at its end or a '/', the topic's must be too.
            if t == topicEnd {
                // The topic has no level left. So must the filter, unless all it has left is "/#",
                // which also matches the parent level ("a/#" matches "a").
                if f == filterEnd { return true }
                let rest = filterEnd &- f
                return rest == 2 && filter[f &+ 1] == hash
            }
            guard topic[t] == slash, f != filterEnd else { return false }
            f &+= 1
            t &+= 1
        }
    }

    /// Bytes a topic name may not contain (MQTT §4.7.1, §1.5.4).
    @inlinable
    static func isForbiddenInName(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "+") || byte == UInt8(ascii: "#") || byte == 0
    }

    /// True when every topic name `other` can match is also matched by self. Exact, and where it
    /// could not be, it answers false: a false "covers" would let a subscription in.
    public func covers(_ other: TopicFilter) -> Bool {
        let mine = levels
        let theirs = other.levels
        guard let myFirst = mine.first, let theirFirst = theirs.first else { return false }
        // `other` can only match `$` topics, and a wildcard first level matches none of them (§4.7.2).
        if myFirst.isWildcard, theirFirst.startsWithDollar { return false }
        var position = 0
        while true {
            if position < mine.count, mine[position] == .multiLevel { return true }
            // Every topic `other` matches ends here, so self must end here too.
            guard position < theirs.count else { return position == mine.count }
            // `other` matches topics with more levels than self can.
            guard position < mine.count else { return false }
            switch (mine[position], theirs[position]) {
            case (.singleLevel, .multiLevel):
                // `+/#` takes every depth below here but not the parent, which `#` also matches: `x/+/#`
                // does not cover `x/#` (only the latter matches `x`). It does when that parent is no
                // topic at all: none for `#` (a topic has a level), `""` for `/#` (a topic is not empty).
                let parentIsNoTopic = position == 0 || (position == 1 && theirFirst == .literal([]))
                return parentIsNoTopic && mine.count == position + 2 && mine[position + 1] == .multiLevel
            case (_, .multiLevel):
                return false  // a literal is not `#`: it cannot take every depth from here.
            case (.singleLevel, _):
                break
            case (.literal(let mineLiteral), .literal(let theirLiteral)):
                guard mineLiteral == theirLiteral else { return false }
            case (.literal, .singleLevel), (.multiLevel, _):
                return false  // `.multiLevel` was answered above; a literal does not cover `+`.
            }
            position += 1
        }
    }

    /// True when at least one topic name is matched by both filters. Where it could not be exact
    /// (two long filters whose only common topic would exceed 65535 bytes) it answers true, so that a
    /// `deny` rule errs on the side of blocking.
    public func intersects(_ other: TopicFilter) -> Bool {
        let mine = levels
        let theirs = other.levels
        guard let myFirst = mine.first, let theirFirst = theirs.first else { return false }
        // A wildcard first level matches no `$` topic, which is all a `$` literal first level matches.
        if myFirst.isWildcard, theirFirst.startsWithDollar { return false }
        if theirFirst.isWildcard, myFirst.startsWithDollar { return false }
        // A topic of one empty level would be `""`, which is no topic (MQTT §4.7.3): `/#` and `+`,
        // whose only common "topic" it would be, do not intersect.
        let firstLevelIsEmpty = myFirst == .literal([]) || theirFirst == .literal([])
        var position = 0
        while true {
            let mineEnded = position >= mine.count
            let theirsEnded = position >= theirs.count
            let endingHereIsNoTopic = position == 1 && firstLevelIsEmpty
            // `#` matches what is left of the other, or its end (the parent rule). When the other goes
            // on, a common topic has at least two levels; when it ends here, exactly `position`.
            if !mineEnded, mine[position] == .multiLevel { return !theirsEnded || !endingHereIsNoTopic }
            if !theirsEnded, theirs[position] == .multiLevel { return !mineEnded || !endingHereIsNoTopic }
            if mineEnded || theirsEnded { return mineEnded && theirsEnded && !endingHereIsNoTopic }
            if case .literal(let mineLiteral) = mine[position], case .literal(let theirLiteral) = theirs[position],
                mineLiteral != theirLiteral
            {
                return false
            }
            // Otherwise a `+` takes the other's literal, or two `+` share a level such as `a`.
            position += 1
        }
    }
}
