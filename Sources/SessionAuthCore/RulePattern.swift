/// Checks and expands rule patterns. A pattern is a topic filter relative to the session's root;
/// placeholder values are identities (checked against the identity alphabet at CONNECT), so an
/// expansion can never add a level, a wildcard or a `$`.
public enum RulePattern {
    public static let placeholders: [UInt8] = Array("ucsr".utf8)
    public static let maxLength = 1024

    /// What is wrong with `pattern`, or nil when it can be stored.
    public static func problem(_ pattern: String) -> String? {
        let bytes = Array(pattern.utf8)
        if bytes.isEmpty { return "is empty; '#' means every topic of the session" }
        if bytes.count > maxLength { return "is longer than \(maxLength) bytes" }
        if bytes.first == UInt8(ascii: "$") {
            return "starts with '$': broker topics are never reachable through a rule"
        }
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 1 < bytes.count, placeholders.contains(bytes[index + 1]) else {
                    return "has an unknown placeholder; use %u (username), %c (client id), %s (session id), %r (role)"
                }
                index += 2
                continue
            }
            index += 1
        }
        guard TopicFilter(expand(pattern, username: "u", clientID: "c", sessionID: "s", role: "r")) != nil else {
            return "is not a valid topic filter ('#' only as the whole last level, '+' only as a whole level)"
        }
        return nil
    }

    /// Replaces the placeholders with the connection's identities.
    public static func expand(_ pattern: String, username: String, clientID: String, sessionID: String, role: String)
        -> String
    {
        var out: [UInt8] = []
        expand(
            Array(pattern.utf8), into: &out, username: username, clientID: clientID, sessionID: sessionID, role: role)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `pattern` to `out` with its placeholders replaced: how a connection's rule is compiled
    /// behind its topic root, in one buffer.
    static func expand(
        _ pattern: [UInt8], into out: inout [UInt8], username: String, clientID: String, sessionID: String, role: String
    ) {
        var index = 0
        while index < pattern.count {
            if pattern[index] == UInt8(ascii: "%"), index + 1 < pattern.count {
                switch pattern[index + 1] {
                case UInt8(ascii: "u"): out += username.utf8
                case UInt8(ascii: "c"): out += clientID.utf8
                case UInt8(ascii: "s"): out += sessionID.utf8
                case UInt8(ascii: "r"): out += role.utf8
                default: out += [pattern[index], pattern[index + 1]]
                }
                index += 2
                continue
            }
            out.append(pattern[index])
            index += 1
        }
    }
}
