import SessionAuthCore
import Testing

@Suite struct TopicFilterTests {
    static func filter(_ text: String) throws -> TopicFilter {
        try #require(TopicFilter(text), "'\(text)' should parse")
    }

    // MARK: Parsing

    static func lit(_ text: String) -> TopicLevel { .literal(Array(text.utf8)) }

    static let validFilters: [(String, [TopicLevel])] = [
        ("a", [lit("a")]),
        ("a/b", [lit("a"), lit("b")]),
        ("+", [.singleLevel]),
        ("#", [.multiLevel]),
        ("+/#", [.singleLevel, .multiLevel]),
        ("a/+/c/#", [lit("a"), .singleLevel, lit("c"), .multiLevel]),
        ("/", [lit(""), lit("")]),
        ("//", [lit(""), lit(""), lit("")]),
        ("a//b", [lit("a"), lit(""), lit("b")]),
        ("a/", [lit("a"), lit("")]),
        ("/a", [lit(""), lit("a")]),
        ("/#", [lit(""), .multiLevel]),
        ("+/+", [.singleLevel, .singleLevel]),
        ("$SYS/#", [lit("$SYS"), .multiLevel]),
        ("$share/g/a/+", [lit("$share"), lit("g"), lit("a"), .singleLevel]),
        ("café/ ", [.literal([0x63, 0x61, 0x66, 0xc3, 0xa9]), .literal([0x20])]),
        ("a$/b c", [lit("a$"), lit("b c")]),
    ]

    @Test(arguments: validFilters)
    func parsesValidFilters(text: String, levels: [TopicLevel]) throws {
        let parsed = try Self.filter(text)
        #expect(parsed.levels == levels)
        #expect(parsed.description == text)
    }

    @Test(arguments: [
        "",  // empty
        "a\u{0}b",  // NUL
        "\u{0}",
        "#/a",  // '#' not last
        "a/#/b",
        "#/#",
        "#/",  // '#' followed by an empty level is not last either
        "a/#/",
        "a#",  // '#' not alone in its level
        "#a",
        "a/b#",
        "a/#b",
        "##",
        "a+",  // '+' not alone in its level
        "+a",
        "a/+b/c",
        "a/b+",
        "++",
        "+#",
        "#+",
    ])
    func refusesInvalidFilters(text: String) {
        #expect(TopicFilter(text) == nil)
    }

    @Test func longestFilterIs65535Bytes() throws {
        let longest = String(repeating: "a", count: 65_535)
        #expect(try Self.filter(longest).levels == [.literal(Array(repeating: UInt8(ascii: "a"), count: 65_535))])
        #expect(TopicFilter(longest + "a") == nil)
        #expect(TopicFilter(String(repeating: "+/", count: 32_767) + "#")?.levels.count == 32_768)
        #expect(TopicFilter(String(repeating: "+/", count: 32_768) + "#") == nil)  // 65537 bytes
    }

    @Test func equalityAndHashingFollowTheLevels() throws {
        #expect(try Self.filter("a/+/#") == Self.filter("a/+/#"))
        #expect(try Self.filter("a/+") != Self.filter("a/#"))
        #expect(try Self.filter("a/") != Self.filter("a"))
        #expect(try Set([Self.filter("a/+"), Self.filter("a/+"), Self.filter("a/b")]).count == 2)
    }

    // MARK: Matching

    static let matchCases: [(String, String, Bool)] = [
        // Literals, compared as bytes.
        ("a/b", "a/b", true),
        ("a/b", "a/c", false),
        ("a/b", "a/bc", false),
        ("a/bc", "a/b", false),
        ("a/b", "a", false),
        ("a", "a/b", false),
        ("a/b", "A/b", false),
        ("café", "cafe\u{301}", false),  // canonically equivalent, different bytes
        ("café", "café", true),
        // '+': exactly one level, which may be empty.
        ("+", "a", true),
        ("+", "a/b", false),
        ("+", "/", false),
        ("+/+", "/", true),
        ("a/+", "a/b", true),
        ("a/+", "a/", true),
        ("a/+", "a", false),
        ("a/+", "a/b/c", false),
        ("a/+/c", "a/b/c", true),
        ("a/+/c", "a//c", true),
        ("a/+/c", "a/b/d", false),
        ("+/b", "/b", true),
        // '#': the parent level and everything below.
        ("#", "a", true),
        ("#", "a/b/c", true),
        ("#", "/", true),
        ("#", "/a", true),
        ("a/#", "a", true),
        ("a/#", "a/", true),
        ("a/#", "a/b", true),
        ("a/#", "a/b/c", true),
        ("a/#", "ab", false),
        ("a/#", "b/a", false),
        ("a/b/#", "a", false),
        ("a/b/#", "a/b", true),
        ("+/#", "a", true),
        ("+/#", "/", true),
        ("/#", "/", true),
        ("/#", "/a/b", true),
        ("/#", "a", false),
        // Empty levels.
        ("/", "/", true),
        ("/", "//", false),
        ("//", "//", true),
        ("//", "/", false),
        ("a//b", "a//b", true),
        ("a//b", "a/b", false),
        ("a/", "a/", true),
        ("a/", "a", false),
        ("a", "a/", false),
        ("/a", "/a", true),
        ("/a", "a", false),
        ("+/+/+", "//", true),
        // '$' topics (MQTT §4.7.2): not matched by a filter whose first level is a wildcard.
        ("#", "$SYS/broker/uptime", false),
        ("+/broker/uptime", "$SYS/broker/uptime", false),
        ("+", "$x", false),
        ("+/#", "$x", false),
        ("$SYS/#", "$SYS/broker/uptime", true),
        ("$SYS/#", "$SYS", true),
        ("$SYS/+/uptime", "$SYS/broker/uptime", true),
        ("$x", "$x", true),
        ("a/#", "a/$x", true),  // the rule is about the first level only
        ("a/+", "a/$x", true),
        ("#", "a$", true),
        // '$share' is just a literal first level here.
        ("$share/g/a/#", "$share/g/a/b", true),
        ("#", "$share/g/a", false),
        ("$share/+/a", "$share/g/a", true),
        // Topic names may not hold wildcards or NUL, and are never empty.
        ("#", "", false),
        ("+", "", false),
        ("#", "a/+", false),
        ("#", "a/#", false),
        ("#", "+", false),
        ("a/#", "a/b+", false),
        ("+", "#", false),
        ("a/+", "a/+", false),
        ("a/+", "a/#", false),
        ("+/+", "a/b\u{0}", false),
        ("#", "a\u{0}", false),
    ]

    @Test(arguments: matchCases)
    func matchesTopicNames(filter: String, topic: String, expected: Bool) throws {
        let parsed = try Self.filter(filter)
        #expect(parsed.matches(topic) == expected)
        #expect(parsed.matches(bytes: Array(topic.utf8)) == expected)
        #expect(parsed.matches(bytes: Substring(topic).utf8) == expected)
        #expect(parsed.matches(bytes: topic.utf8) == expected)
        // A collection with no contiguous storage takes the index-walking path.
        #expect(parsed.matches(bytes: topic.utf8.lazy.map { $0 }) == expected)
    }

    @Test func aTopicOf200Levels() throws {
        let levels = (0..<200).map { "l\($0)" }
        let topic = levels.joined(separator: "/")
        #expect(try Self.filter(topic).matches(topic))
        #expect(try Self.filter(Array(repeating: "+", count: 200).joined(separator: "/")).matches(topic))
        #expect(try !Self.filter(Array(repeating: "+", count: 199).joined(separator: "/")).matches(topic))
        #expect(try !Self.filter(Array(repeating: "+", count: 201).joined(separator: "/")).matches(topic))
        #expect(try Self.filter(levels[0..<199].joined(separator: "/") + "/#").matches(topic))
        #expect(try Self.filter(topic + "/#").matches(topic))
        var changed = levels
        changed[199] = "l200"
        #expect(try !Self.filter(changed.joined(separator: "/")).matches(topic))
        #expect(try Self.filter(Array(repeating: "+", count: 199).joined(separator: "/") + "/l199").matches(topic))
    }

    @Test func aTopicOf60000Bytes() throws {
        let long = String(repeating: "x", count: 59_998)
        let topic = "a/" + long
        #expect(topic.utf8.count == 60_000)
        #expect(try Self.filter("a/+").matches(topic))
        #expect(try Self.filter("a/#").matches(topic))
        #expect(try Self.filter("#").matches(topic))
        #expect(try Self.filter(topic).matches(topic))
        #expect(try !Self.filter("a/" + long.dropLast() + "y").matches(topic))
        #expect(try !Self.filter("a/+/#").matches(topic + "+"))
        #expect(try !Self.filter("+").matches(topic))
    }

    // MARK: Covers

    static let coverCases: [(String, String, Bool)] = [
        // From the spec (§3): a subscription must be covered by the readable rules.
        ("S/dt/+/dev1/#", "S/dt/#", false),
        ("S/dt/+/dev1/#", "S/dt/x/dev1/#", true),
        ("S/dt/+/dev1/#", "S/dt/x/dev1", true),
        ("S/dt/+/dev1/#", "S/dt/x/dev1/y/z", true),
        ("S/dt/+/dev1/#", "S/dt/+/dev1/+", true),
        ("S/dt/+/dev1/#", "S/dt/x/dev2/#", false),
        ("S/dt/+/dev1/#", "S/dt/x", false),
        ("a/+", "a/#", false),
        ("a/#", "a", true),
        ("a/#", "a/+", true),
        ("a/#", "a/#", true),
        ("a/#", "a/b/#", true),
        ("a/#", "a/", true),
        ("a/#", "a/+/+/c", true),
        ("a/#", "b", false),
        ("a/#", "+", false),
        ("a/#", "#", false),
        ("a/b/#", "a/#", false),
        ("a/+/#", "a/#", false),  // "a/#" matches "a"
        ("a/+/#", "a/b", true),
        ("+/x", "y/x", true),
        ("+/x", "+/x", true),
        ("+/x", "+/y", false),
        ("+/x", "+/+", false),
        ("+/x", "#", false),
        ("+/+", "a/+", true),
        ("+/+", "+/+", true),
        ("+/+", "+", false),
        ("+/+", "+/+/+", false),
        ("a/+", "a", false),
        ("a/+", "a/", true),
        ("a", "a", true),
        ("a", "a/", false),
        ("a", "+", false),
        ("a", "b", false),
        ("/", "/", true),
        ("+/+", "/", true),
        ("+", "/", false),
        // '#' covers everything but '$' topics (MQTT §4.7.2).
        ("#", "#", true),
        ("#", "+", true),
        ("#", "a/b/c", true),
        ("#", "+/#", true),
        ("#", "/", true),
        ("#", "$SYS/#", false),
        ("#", "$x", false),
        ("#", "$SYS/broker/uptime", false),
        ("+", "$x", false),
        ("+/#", "$SYS/#", false),
        ("+/#", "#", true),  // there is no topic without a first level
        ("+/+/#", "#", false),  // "#" matches "a"
        ("/+/#", "/#", true),  // "/#" has no parent topic: "" is not a topic
        ("+/+/#", "/#", true),
        ("/+", "/#", false),  // "/#" matches "/a/b"
        ("$SYS/#", "$SYS/broker/uptime", true),
        ("$SYS/#", "$SYS/+", true),
        ("$SYS/#", "#", false),
        ("$x", "$x", true),
        ("a/#", "a/$x", true),
        ("$share/g/#", "$share/g/a/+", true),
        ("#", "$share/g/a", false),
    ]

    @Test(arguments: coverCases)
    func coversFilters(filter: String, other: String, expected: Bool) throws {
        #expect(try Self.filter(filter).covers(Self.filter(other)) == expected)
    }

    // MARK: Intersects

    static let intersectCases: [(String, String, Bool)] = [
        ("a/b", "a/b", true),
        ("a/b", "a/c", false),
        ("a/b", "a", false),
        ("a/b", "a/b/c", false),
        ("a/+", "a/b", true),
        ("a/+", "+/b", true),
        ("a/+", "b/+", false),
        ("a/+", "a", false),
        ("a/+", "a/b/c", false),
        ("a/#", "a", true),
        ("a/#", "a/b/c", true),
        ("a/#", "b/#", false),
        ("a/#", "+", true),
        ("a/b/#", "a/+", true),
        ("a/b/#", "a/c/#", false),
        ("a/b/#", "a", false),
        ("#", "a", true),
        ("#", "#", true),
        ("+", "+", true),
        ("+", "+/+", false),
        ("+/+", "/", true),
        ("/", "//", false),
        ("/#", "+", false),
        ("/#", "/", true),
        ("/#", "+/#", true),
        ("/#", "/+", true),
        ("#", "/#", true),
        ("+", "#", true),
        ("S/dt/+/dev1/#", "S/dt/#", true),
        ("S/dt/+/dev1/#", "S/cmd/#", false),
        // '$' topics: a wildcard first level never reaches them (MQTT §4.7.2).
        ("#", "$SYS/#", false),
        ("$SYS/#", "#", false),
        ("+/#", "$x", false),
        ("$x", "+", false),
        ("+/+", "$x/+", false),
        ("$SYS/#", "$SYS/broker/uptime", true),
        ("$SYS/+", "$SYS/#", true),
        ("$x", "$y", false),
        ("a/#", "a/$x", true),
        ("#", "a/$x", true),
    ]

    @Test(arguments: intersectCases)
    func intersectsFilters(filter: String, other: String, expected: Bool) throws {
        let a = try Self.filter(filter)
        let b = try Self.filter(other)
        #expect(a.intersects(b) == expected)
        #expect(b.intersects(a) == expected)  // symmetric by definition
    }
}
