/// One level of a topic filter.
public enum TopicLevel: Equatable, Hashable, Sendable {
    /// Bytes compared exactly, never as Unicode. May be empty: `a//b` and `/a` have empty levels.
    case literal([UInt8])
    /// `+`: exactly one level, which may be empty.
    case singleLevel
    /// `#`: the parent level and any number of levels below; only ever the last level.
    case multiLevel

    /// True for `+` and `#`, which never match a level starting with `$` when first (MQTT §4.7.2).
    var isWildcard: Bool {
        switch self {
        case .literal: return false
        case .singleLevel, .multiLevel: return true
        }
    }

    /// True for a literal first level that only `$` topics can have, which no wildcard first level matches.
    var startsWithDollar: Bool {
        if case .literal(let bytes) = self { return bytes.first == UInt8(ascii: "$") }
        return false
    }
}
