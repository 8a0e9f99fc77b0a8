/// Where a session's topics live: a template such as `%s/` (the default) or `/%s/`,
/// with `%s` replaced by the session id. Nothing outside it is ever allowed to a member.
public struct TopicRootTemplate: Equatable, Sendable {
    public static let `default` = TopicRootTemplate(template: "%s/", prefix: "", suffix: "/")

    public let template: String
    private let prefix: String
    private let suffix: String

    public init(_ template: String) throws(OptionError) {
        func bad(_ why: String) -> OptionError {
            .badValue(option: "topic_root", value: template, why: why)
        }
        let bytes = Array(template.utf8)
        guard bytes.count <= 256 else { throw bad("is longer than 256 bytes") }
        guard let placeholder = template.range(of: "%s") else { throw bad("must contain %s (the session id)") }
        let before = String(template[..<placeholder.lowerBound])
        let after = String(template[placeholder.upperBound...])
        guard !before.utf8.contains(UInt8(ascii: "%")), !after.utf8.contains(UInt8(ascii: "%")) else {
            throw bad("may contain %s once and no other placeholder")
        }
        // A root that is not a whole topic level would let session `s1` reach `s10/...`.
        guard after.utf8.first == UInt8(ascii: "/"), after.utf8.last == UInt8(ascii: "/"),
            before.isEmpty || before.utf8.last == UInt8(ascii: "/")
        else {
            throw bad("must keep %s a whole topic level and end with '/', like '%s/' or 'sessions/%s/'")
        }
        guard !bytes.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") || $0 == 0 }) else {
            throw bad("may not contain '+', '#' or NUL")
        }
        guard bytes.first != UInt8(ascii: "$") else { throw bad("may not start with '$' (broker topics)") }
        self.template = template
        self.prefix = before
        self.suffix = after
    }

    private init(template: String, prefix: String, suffix: String) {
        self.template = template
        self.prefix = prefix
        self.suffix = suffix
    }

    /// The root of one session; `sessionID` must already satisfy the identity alphabet (no `/`, `+`, `#`).
    public func root(forSession sessionID: String) -> String {
        prefix + sessionID + suffix
    }
}

extension String {
    fileprivate func range(of needle: String) -> Range<String.Index>? {
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(needle) {
                return index..<self.index(index, offsetBy: needle.count)
            }
            index = self.index(after: index)
        }
        return nil
    }
}
