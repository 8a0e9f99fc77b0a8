import SessionAuthCore
import Testing

@Suite struct PluginOptionsTests {
    @Test func defaults() throws {
        let options = PluginOptions()
        #expect(options.databasePath == "/var/lib/mosquitto-session-auth/sessions.db")
        #expect(options.topicRoot == .default)
        #expect(options.topicRoot.template == "%s/")
        #expect(options.pinLogin == true)
        #expect(options.maxIdentityLength == 64)
        #expect(options.clientIDPolicy == .any)
        #expect(options.unknownUsers == .deny)
        #expect(try PluginOptions([]) == options)
    }

    @Test func everyOptionIsParsed() throws {
        let options = try PluginOptions([
            ("db_path", "/tmp/store.db"),
            ("topic_root", "/%s/"),
            ("pin_login", "false"),
            ("max_identity_length", "32"),
            ("clientid_policy", "prefix"),
            ("unknown_users", "defer"),
        ])
        #expect(options.databasePath == "/tmp/store.db")
        #expect(options.topicRoot.template == "/%s/")
        #expect(options.pinLogin == false)
        #expect(options.maxIdentityLength == 32)
        #expect(options.clientIDPolicy == .prefix)
        #expect(options.unknownUsers == .defer)
    }

    @Test func oneOptionLeavesTheOthersAtTheirDefaults() throws {
        var expected = PluginOptions()
        expected.clientIDPolicy = .username
        #expect(try PluginOptions([("clientid_policy", "username")]) == expected)
    }

    @Test(arguments: [("true", true), ("false", false)])
    func pinLoginBoolean(value: String, expected: Bool) throws {
        #expect(try PluginOptions([("pin_login", value)]).pinLogin == expected)
    }

    @Test(arguments: [1, 64, 1024])
    func maxIdentityLengthRange(length: Int) throws {
        #expect(try PluginOptions([("max_identity_length", "\(length)")]).maxIdentityLength == length)
    }

    @Test(arguments: ClientIDPolicy.allCases)
    func everyClientIDPolicy(policy: ClientIDPolicy) throws {
        #expect(try PluginOptions([("clientid_policy", policy.rawValue)]).clientIDPolicy == policy)
    }

    @Test(arguments: ["no_such_option", "DB_PATH", "db_path ", "plugin_opt_db_path", ""])
    func unknownOption(name: String) {
        #expect(throws: OptionError.unknown(option: name)) { try PluginOptions([(name, "x")]) }
    }

    @Test func unknownOptionIsRefusedEvenAfterGoodOnes() {
        #expect(throws: OptionError.unknown(option: "pin_logins")) {
            try PluginOptions([("pin_login", "true"), ("pin_logins", "false")])
        }
    }

    @Test(arguments: [("pin_login", "true", "true"), ("pin_login", "true", "false"), ("db_path", "/a", "/b")])
    func duplicateOption(name: String, first: String, second: String) {
        #expect(throws: OptionError.duplicate(option: name)) { try PluginOptions([(name, first), (name, second)]) }
    }

    @Test(arguments: ["yes", "no", "TRUE", "False", "1", "0", "", " true", "true "])
    func badBoolean(value: String) {
        #expect(throws: OptionError.badValue(option: "pin_login", value: value, why: "must be true or false")) {
            try PluginOptions([("pin_login", value)])
        }
    }

    @Test(arguments: ["0", "1025", "-1", "abc", "", "64 ", " 64", "6.4", "99999999999999999999999"])
    func badMaxIdentityLength(value: String) {
        #expect(
            throws: OptionError.badValue(
                option: "max_identity_length", value: value, why: "must be a whole number from 1 to 1024")
        ) {
            try PluginOptions([("max_identity_length", value)])
        }
    }

    @Test(arguments: ["none", "Username", "", "prefix "])
    func badClientIDPolicy(value: String) {
        #expect(
            throws: OptionError.badValue(
                option: "clientid_policy", value: value, why: "must be one of: any, username, prefix")
        ) {
            try PluginOptions([("clientid_policy", value)])
        }
    }

    @Test(arguments: ["allow", "DENY", ""])
    func badUnknownUsers(value: String) {
        #expect(throws: OptionError.badValue(option: "unknown_users", value: value, why: "must be one of: deny, defer"))
        {
            try PluginOptions([("unknown_users", value)])
        }
    }

    @Test func emptyDatabasePath() {
        #expect(
            throws: OptionError.badValue(
                option: "db_path", value: "", why: "must be the path of the store sessionctl writes")
        ) {
            try PluginOptions([("db_path", "")])
        }
    }

    @Test func badTopicRoot() {
        #expect(
            throws: OptionError.badValue(option: "topic_root", value: "%u/", why: "must contain %s (the session id)")
        ) {
            try PluginOptions([("topic_root", "%u/")])
        }
    }

    @Test(arguments: [
        ("no_such_option", "x"), ("pin_login", "yes"), ("max_identity_length", "0"), ("clientid_policy", "none"),
        ("unknown_users", "allow"), ("db_path", ""), ("topic_root", "#"),
    ])
    func errorDescriptionNamesTheOption(name: String, value: String) {
        do {
            _ = try PluginOptions([(name, value)])
            Issue.record("option \(name)=\(value) was accepted")
        } catch {
            #expect(error.description.contains("'\(name)'"), "\(error.description)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func duplicateDescriptionNamesTheOption() {
        #expect(
            OptionError.duplicate(option: "pin_login").description
                == "option 'pin_login' is given more than once; keep one")
        #expect(
            OptionError.badValue(option: "pin_login", value: "yes", why: "must be true or false").description
                == "option 'pin_login' has a bad value 'yes': it must be true or false")
        #expect(
            OptionError.unknown(option: "foo").description.hasPrefix(
                "unknown option 'foo' (plugin_opt_foo / auth_opt_foo)"))
    }
}

@Suite struct LogLevelAndSysIntervalOptionTests {
    @Test func defaults() throws {
        let options = try PluginOptions([])
        #expect(options.logLevel == .info)
        #expect(options.sysInterval == 10)
    }

    @Test func valuesAreParsedAndBadOnesRefused() throws {
        let options = try PluginOptions([("log_level", "debug"), ("sys_interval", "0")])
        #expect(options.logLevel == .debug)
        #expect(options.sysInterval == 0)
        #expect(LogLevel.notice < LogLevel.info && LogLevel.error < LogLevel.warning)
        for (key, value) in [
            ("log_level", "verbose"), ("log_level", "DEBUG"), ("sys_interval", "-1"), ("sys_interval", "86401"),
        ] {
            #expect(throws: OptionError.self) { try PluginOptions([(key, value)]) }
        }
    }

    /// Every refusal maps to a published counter name.
    @Test func everyRefusalHasAPublishedCounter() {
        let refusals: [LoginRefusal] = [
            .missingUsername, .missingPassword, .unrecognisedPassword, .pinLoginDisabled, .badUsername(.empty),
            .clientIDNotBound(.username), .unknownSession("s"), .sessionNotOpen("s", .closed), .unreadablePinHash("s"),
            .wrongPin("s"), .pinLoginLocked("s"), .storeUnavailable, .unknownProfile(session: "s", profile: "p"),
            .tokenLoginNotConfigured, .badToken(.badSignature), .tokenWithoutID, .tokenWithoutSubject,
            .usernameNotTokenSubject, .tokenRevoked("j"), .deviceRevoked(session: "s", device: "d"),
            .roleHasNoRules(profile: "p", role: "r"), .unknownOperatorToken("j"), .operatorTokenMismatch("j"),
        ]
        for refusal in refusals { #expect(LoginRefusal.metricNames.contains(refusal.metricName), "\(refusal)") }
    }
}
