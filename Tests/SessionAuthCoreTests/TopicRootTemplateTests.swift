import SessionAuthCore
import Testing

@Suite struct TopicRootTemplateTests {
    @Test func defaultIsSessionIDThenSlash() {
        #expect(TopicRootTemplate.default.template == "%s/")
        #expect(TopicRootTemplate.default.root(forSession: "k3x9m2ab") == "k3x9m2ab/")
    }

    @Test(arguments: [
        ("%s/", "s1/"),
        ("/%s/", "/s1/"),
        ("sessions/%s/", "sessions/s1/"),
        ("a/b/%s/c/", "a/b/s1/c/"),
        ("café/%s/", "café/s1/"),
    ])
    func acceptedTemplatesExpand(template: String, root: String) throws {
        let parsed = try TopicRootTemplate(template)
        #expect(parsed.template == template)
        #expect(parsed.root(forSession: "s1") == root)
    }

    @Test func parsedDefaultEqualsTheBuiltInDefault() throws {
        #expect(try TopicRootTemplate("%s/") == .default)
    }

    @Test func longestAcceptedTemplateIs256Bytes() throws {
        let longest = String(repeating: "a", count: 252) + "/%s/"
        #expect(longest.utf8.count == 256)
        #expect(try TopicRootTemplate(longest).root(forSession: "s1").hasSuffix("a/s1/"))
    }

    @Test(arguments: [
        "",
        "sessions/",  // no %s
        "%S/",  // %S is not %s
        "%s/%s/",  // two %s
        "%u/%s/",  // other placeholders
        "%s/%c/",
        "%s/%r/",
        "%s/%%/",
        "%%s/",
        "100%/%s/",
        "%s",  // does not end in '/'
        "/%s",
        "%s/x",
        "x%s/",  // %s is not a whole level
        "sessions-%s/",
        "+/%s/",  // wildcards
        "%s/+/",
        "%s/#/",
        "#/%s/",
        "sessions+/%s/",
        "$SYS/%s/",  // broker topics
        "$share/%s/",
        "%s/\u{0}/",  // NUL
        String(repeating: "a", count: 253) + "/%s/",  // 257 bytes
        String(repeating: "é", count: 130) + "/%s/",  // 264 bytes in fewer characters
    ])
    func refusedTemplates(template: String) {
        #expect(throws: OptionError.self) { try TopicRootTemplate(template) }
        do {
            _ = try TopicRootTemplate(template)
        } catch {
            guard case .badValue(let option, let value, _) = error else {
                Issue.record("expected badValue, got \(error)")
                return
            }
            #expect(option == "topic_root")
            #expect(value == template)
            #expect(error.description.hasPrefix("option 'topic_root' has a bad value"))
        }
    }

    @Test(arguments: ["%sx/", "%s.x/", "/%s-suffix/"])
    func refusesASuffixThatIsNotItsOwnLevel(template: String) {
        // "%sx/" would put text after the session id in the same level: s1's root "s1x/".
        #expect(throws: OptionError.self) { try TopicRootTemplate(template) }
    }

    @Test func errorMessagesSayWhatIsWrong() {
        #expect(
            throws: OptionError.badValue(
                option: "topic_root", value: "sessions/", why: "must contain %s (the session id)")
        ) {
            try TopicRootTemplate("sessions/")
        }
        #expect(
            throws: OptionError.badValue(
                option: "topic_root", value: "%s/%s/", why: "may contain %s once and no other placeholder")
        ) {
            try TopicRootTemplate("%s/%s/")
        }
        #expect(
            throws: OptionError.badValue(option: "topic_root", value: "+/%s/", why: "may not contain '+', '#' or NUL")
        ) {
            try TopicRootTemplate("+/%s/")
        }
        #expect(
            throws: OptionError.badValue(
                option: "topic_root", value: "$SYS/%s/", why: "may not start with '$' (broker topics)")
        ) {
            try TopicRootTemplate("$SYS/%s/")
        }
    }
}
