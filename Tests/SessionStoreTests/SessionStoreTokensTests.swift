import Foundation
import SessionAuthCore
import Testing

@testable import SessionStore

/// What `sessionctl join`, `token`, `tokens` and `revoke` write and read, and what the plugin's reader
/// follows of it (revocations and operator tokens).
@Suite struct SessionStoreTokensTests {
    static let now = StoreFixtures.now
    static let day: Int64 = 86_400

    static func token(
        _ jti: String, session: String?, device: String = "dev1", role: String = "device", issuedAt: Int64 = now,
        expiresAt: Int64 = now + day, rules: [ProfileRule] = [], label: String? = nil
    ) -> IssuedToken {
        IssuedToken(
            tokenID: jti, sessionID: session, device: device, role: role, issuedAt: issuedAt, expiresAt: expiresAt,
            rules: rules, label: label)
    }

    /// The rules as the store reads them back for an operator token: named after the token, with its role.
    static func operatorRule(_ jti: String, role: String, _ access: RuleAccess, _ pattern: String) -> ProfileRule {
        ProfileRule(profile: IssuedToken.rulesName(tokenID: jti), role: role, access: access, pattern: pattern)
    }

    // MARK: Record and list

    @Test func sessionTokensAreListedPerSessionOldestFirst() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SessionStore.initialise(at: dir.path())
        try StoreFixtures.insert(store, id: "s1")
        try StoreFixtures.insert(store, id: "s2")
        try store.recordIssuedToken(Self.token("t1", session: "s1", device: "dev1"))
        try store.recordIssuedToken(Self.token("t2", session: "s1", device: "dev2", role: "service", label: "svc"))
        try store.recordIssuedToken(Self.token("t3", session: "s2"))

        let listed = try store.issuedTokens(sessionID: "s1")
        #expect(listed.map(\.token.tokenID) == ["t1", "t2"])
        #expect(listed.allSatisfy { $0.revokedAt == nil })
        // Two sessions took revisions base+1 and base+2; each recorded token takes the next one.
        #expect(listed.map(\.token.revision) == [3, 4].map { StoreFixtures.baseRevision + $0 })
        let second = try #require(listed.last?.token)
        #expect(
            second
                == IssuedToken(
                    tokenID: "t2", sessionID: "s1", device: "dev2", role: "service", issuedAt: Self.now,
                    expiresAt: Self.now + Self.day, rules: [], label: "svc", revision: StoreFixtures.baseRevision + 4))
        #expect(!second.isOperatorToken)

        #expect(try store.issuedTokens(sessionID: "s2").map(\.token.tokenID) == ["t3"])
        #expect(try store.issuedTokens(sessionID: "nosuch").isEmpty)
        #expect(try store.issuedTokens().map(\.token.tokenID) == ["t1", "t2", "t3"])
        #expect(try store.issuedTokens(operatorOnly: true).isEmpty)
    }

    @Test func operatorTokenIsRecordedWithItsRulesInOrder() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SessionStore.initialise(at: dir.path())
        try StoreFixtures.insert(store, id: "s1")
        let given = [
            ProfileRule(profile: "", role: "service", access: .read, pattern: "dt/#"),
            ProfileRule(profile: "", role: "service", access: .readwrite, pattern: "cmd/#"),
            ProfileRule(profile: "", role: "service", access: .deny, pattern: "cmd/secret/#"),
        ]
        try store.recordIssuedToken(
            Self.token("op1", session: nil, device: "conductor", role: "service", rules: given, label: "backend"))
        try store.recordIssuedToken(Self.token("t1", session: "s1"))

        let operators = try store.issuedTokens(operatorOnly: true)
        #expect(operators.map(\.token.tokenID) == ["op1"])
        let token = try #require(operators.first?.token)
        #expect(token.isOperatorToken)
        #expect(token.sessionID == nil)
        #expect(token.device == "conductor")
        #expect(token.label == "backend")
        #expect(
            token.rules == [
                Self.operatorRule("op1", role: "service", .read, "dt/#"),
                Self.operatorRule("op1", role: "service", .readwrite, "cmd/#"),
                Self.operatorRule("op1", role: "service", .deny, "cmd/secret/#"),
            ])
        // Listing everything includes both kinds; a session's listing never includes operator tokens.
        #expect(try store.issuedTokens().map(\.token.tokenID) == ["op1", "t1"])
        #expect(try store.issuedTokens(sessionID: "s1").map(\.token.tokenID) == ["t1"])
    }

    @Test func aDuplicateJtiIsRefusedAndTheFirstRecordStays() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SessionStore.initialise(at: dir.path())
        try StoreFixtures.insert(store, id: "s1")
        try store.recordIssuedToken(Self.token("t1", session: "s1", device: "first"))
        #expect(throws: StoreError.self) {
            try store.recordIssuedToken(
                Self.token(
                    "t1", session: nil, device: "second",
                    rules: [ProfileRule(profile: "", role: "device", access: .read, pattern: "#")]))
        }
        let listed = try store.issuedTokens()
        #expect(listed.map(\.token.device) == ["first"])
        // The refused insert rolled back whole: no orphan rule was left behind.
        let raw = try SQLiteDatabase(path: dir.path(), mode: .readOnly, busyTimeoutMilliseconds: 1_000)
        #expect(try raw.integer("SELECT count(*) FROM token_rules") == 0)
    }

    // MARK: Revoking one token

    @Test func revokingAKnownAndAForeignJti() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SessionStore.initialise(at: dir.path())
        try StoreFixtures.insert(store, id: "s1")
        try store.recordIssuedToken(Self.token("t1", session: "s1"))
        try store.recordIssuedToken(Self.token("t2", session: "s1"))

        #expect(try store.revokeToken(tokenID: "t1", at: Self.now + 10) == .revoked(known: true))
        // A jti sessionctl never issued (another issuer's token) is revoked all the same.
        #expect(try store.revokeToken(tokenID: "foreign-jti", at: Self.now + 11) == .revoked(known: false))

        let listed = try store.issuedTokens(sessionID: "s1")
        #expect(listed.map(\.revokedAt) == [Self.now + 10, nil])
        // The foreign jti is not made into a recorded token.
        #expect(try store.issuedTokens().map(\.token.tokenID) == ["t1", "t2"])
    }

    @Test func revokingTwiceKeepsTheFirstTime() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SessionStore.initialise(at: dir.path())
        try StoreFixtures.insert(store, id: "s1")
        try store.recordIssuedToken(Self.token("t1", session: "s1"))
        #expect(try store.revokeToken(tokenID: "t1", at: Self.now + 10) == .revoked(known: true))
        let raw = try SQLiteDatabase(path: dir.path(), mode: .readOnly, busyTimeoutMilliseconds: 1_000)
        let revisionBefore = try raw.integer("SELECT value FROM store_revision")
        #expect(try store.revokeToken(tokenID: "t1", at: Self.now + 99) == .alreadyRevoked(at: Self.now + 10))
        // Not a change: the revision stays, so the plugin has nothing to reload.
        #expect(try raw.integer("SELECT value FROM store_revision") == revisionBefore)
        #expect(try store.revokeToken(tokenID: "foreign", at: Self.now + 1) == .revoked(known: false))
        #expect(try store.revokeToken(tokenID: "foreign", at: Self.now + 2) == .alreadyRevoked(at: Self.now + 1))
        #expect(try store.issuedTokens().first?.revokedAt == Self.now + 10)

        let reader = try SessionStoreReader(path: dir.path())
        let changes = try reader.tokenChanges(revocationsAfter: 0, deviceRevocationsAfter: 0, operatorTokensAfter: 0)
        #expect(changes.revocations.map(\.tokenID) == ["t1", "foreign"])
        #expect(changes.revocations.map(\.revokedAt) == [Self.now + 10, Self.now + 1])
    }

    // MARK: Revoking a device

    @Test func revokingADeviceOfAnUnknownSession() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SessionStore.initialise(at: dir.path())
        try StoreFixtures.insert(store, id: "s1")
        #expect(try store.revokeDevice(sessionID: "nosuch", device: "dev1", at: Self.now) == .noSuchSession)
        #expect(try store.revokeDevice(sessionID: "S1", device: "dev1", at: Self.now) == .noSuchSession)
        let reader = try SessionStoreReader(path: dir.path())
        #expect(
            try reader.tokenChanges(revocationsAfter: 0, deviceRevocationsAfter: 0, operatorTokensAfter: 0).isEmpty)
    }

    @Test func revokingADeviceCountsItsUnexpiredRecordedTokens() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SessionStore.initialise(at: dir.path())
        try StoreFixtures.insert(store, id: "s1")
        try StoreFixtures.insert(store, id: "s2")
        let at = Self.now + 100
        try store.recordIssuedToken(Self.token("live1", session: "s1", device: "dev1"))
        try store.recordIssuedToken(Self.token("live2", session: "s1", device: "dev1", issuedAt: Self.now + 50))
        try store.recordIssuedToken(Self.token("gone", session: "s1", device: "dev1", expiresAt: at))
        try store.recordIssuedToken(Self.token("other-device", session: "s1", device: "dev2"))
        try store.recordIssuedToken(Self.token("other-session", session: "s2", device: "dev1"))

        // `gone` expires the very second of the revocation: it no longer counts.
        #expect(try store.revokeDevice(sessionID: "s1", device: "dev1", at: at) == .revoked(recordedTokens: 2))
        #expect(try store.revokeDevice(sessionID: "s1", device: "nobody", at: at) == .revoked(recordedTokens: 0))
    }

    @Test func deviceRevocationCoversTokensIssuedUpToItsTime() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SessionStore.initialise(at: dir.path())
        try StoreFixtures.insert(store, id: "s1")
        try StoreFixtures.insert(store, id: "s2")
        let at = Self.now + 100
        try store.recordIssuedToken(Self.token("early", session: "s1", device: "dev1"))
        try store.recordIssuedToken(Self.token("same-second", session: "s1", device: "dev1", issuedAt: at))
        try store.recordIssuedToken(Self.token("other-device", session: "s1", device: "dev2"))
        try store.recordIssuedToken(Self.token("other-session", session: "s2", device: "dev1"))
        #expect(try store.revokeDevice(sessionID: "s1", device: "dev1", at: at) == .revoked(recordedTokens: 2))

        // The device is let back in: a token issued after the revocation works.
        try store.recordIssuedToken(Self.token("rejoined", session: "s1", device: "dev1", issuedAt: at + 1))

        func states() throws -> [String: Int64?] {
            Dictionary(uniqueKeysWithValues: try store.issuedTokens().map { ($0.token.tokenID, $0.revokedAt) })
        }
        #expect(
            try states() == [
                "early": at, "same-second": at, "other-device": nil, "other-session": nil, "rejoined": nil,
            ])

        // Revoking the device again later moves the time: the rejoined token is covered now too.
        #expect(try store.revokeDevice(sessionID: "s1", device: "dev1", at: at + 50) == .revoked(recordedTokens: 3))
        #expect(
            try states() == [
                "early": at + 50, "same-second": at + 50, "other-device": nil, "other-session": nil,
                "rejoined": at + 50,
            ])
        let reader = try SessionStoreReader(path: dir.path())
        let changes = try reader.tokenChanges(revocationsAfter: 0, deviceRevocationsAfter: 0, operatorTokensAfter: 0)
        #expect(changes.deviceRevocations.count == 1, "one row per session and device, updated in place")
        #expect(changes.deviceRevocations.first?.revokedAt == at + 50)
    }

    @Test func aTokensOwnRevocationShowsBeforeItsDevices() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SessionStore.initialise(at: dir.path())
        try StoreFixtures.insert(store, id: "s1")
        try store.recordIssuedToken(Self.token("t1", session: "s1"))
        _ = try store.revokeToken(tokenID: "t1", at: Self.now + 5)
        _ = try store.revokeDevice(sessionID: "s1", device: "dev1", at: Self.now + 20)
        #expect(try store.issuedTokens().first?.revokedAt == Self.now + 5)
    }

    // MARK: What the plugin's reader follows

    @Test func tokenChangesAreIncrementalPerRevisionMark() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SessionStore.initialise(at: dir.path())
        try StoreFixtures.insert(store, id: "s1")
        let reader = try SessionStoreReader(path: dir.path())
        #expect(try reader.tokenChanges(revocationsAfter: 0, deviceRevocationsAfter: 0, operatorTokensAfter: 0).isEmpty)

        let readRule = ProfileRule(profile: "", role: "service", access: .read, pattern: "dt/#")
        try store.recordIssuedToken(
            Self.token("op1", session: nil, device: "conductor", role: "service", rules: [readRule]))
        try store.recordIssuedToken(Self.token("session-token", session: "s1"))
        _ = try store.revokeToken(tokenID: "r1", at: Self.now + 1)
        _ = try store.revokeDevice(sessionID: "s1", device: "dev1", at: Self.now + 2)

        let first = try reader.tokenChanges(revocationsAfter: 0, deviceRevocationsAfter: 0, operatorTokensAfter: 0)
        // Session tokens are not the plugin's business (their claims carry all it needs).
        #expect(first.operatorTokens.map(\.tokenID) == ["op1"])
        #expect(first.operatorTokens.first?.rules == [Self.operatorRule("op1", role: "service", .read, "dt/#")])
        #expect(first.revocations.map(\.tokenID) == ["r1"])
        #expect(
            first.deviceRevocations.map {
                DeviceRevocation(sessionID: $0.sessionID, device: $0.device, revokedAt: $0.revokedAt)
            }
                == [DeviceRevocation(sessionID: "s1", device: "dev1", revokedAt: Self.now + 2)])
        let operatorMark = try #require(first.operatorTokens.map(\.revision).max())
        let revocationMark = try #require(first.revocations.map(\.revision).max())
        let deviceMark = try #require(first.deviceRevocations.map(\.revision).max())
        #expect(
            try reader.tokenChanges(
                revocationsAfter: revocationMark, deviceRevocationsAfter: deviceMark, operatorTokensAfter: operatorMark
            ).isEmpty)

        try store.recordIssuedToken(
            Self.token("op2", session: nil, device: "auditor", role: "audit", rules: [readRule]))
        _ = try store.revokeToken(tokenID: "r2", at: Self.now + 3)
        _ = try store.revokeDevice(sessionID: "s1", device: "dev2", at: Self.now + 4)
        _ = try store.revokeDevice(sessionID: "s1", device: "dev1", at: Self.now + 5)

        let second = try reader.tokenChanges(
            revocationsAfter: revocationMark, deviceRevocationsAfter: deviceMark, operatorTokensAfter: operatorMark)
        #expect(second.operatorTokens.map(\.tokenID) == ["op2"])
        #expect(second.revocations.map(\.tokenID) == ["r2"])
        #expect(second.deviceRevocations.map(\.device) == ["dev2", "dev1"])
        #expect(second.deviceRevocations.last?.revokedAt == Self.now + 5)
        // Every mark is a store revision: each table's rows come out in the order they were written.
        #expect(second.operatorTokens.allSatisfy { $0.revision > operatorMark })
        #expect(second.revocations.allSatisfy { $0.revision > revocationMark })
        #expect(second.deviceRevocations.map(\.revision) == second.deviceRevocations.map(\.revision).sorted())

        // Each mark filters only its own table.
        let onlyOperators = try reader.tokenChanges(
            revocationsAfter: Int64.max, deviceRevocationsAfter: Int64.max, operatorTokensAfter: 0)
        #expect(onlyOperators.operatorTokens.map(\.tokenID) == ["op1", "op2"])
        #expect(onlyOperators.revocations.isEmpty && onlyOperators.deviceRevocations.isEmpty)
    }

    /// A store written before tokens existed (schema 2) is read by a new plugin as "no tokens, nothing
    /// revoked", and brought up to date by the next sessionctl, which the running plugin then follows.
    @Test func schemaTwoStoreHasNoTokenChangesAndIsMigratedByOpen() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path()
        do {
            let old = try SQLiteDatabase(path: path, mode: .readWriteCreate, busyTimeoutMilliseconds: 1_000)
            try old.execute("PRAGMA journal_mode = WAL")
            try old.execute(StoreSchema.createMigrationsTable)
            for migration in StoreSchema.migrations.prefix(2) {
                try old.execute(migration.sql)
                let record = try old.prepare("INSERT INTO schema_migrations (version, name) VALUES (?, ?)")
                try record.bind([.integer(migration.version), .text(migration.name)])
                _ = try record.step()
            }
            try old.execute(
                """
                INSERT INTO sessions (id, pin_hash, type, label, created_at, expires_at, closed_at, revision)
                VALUES ('keep1', '\(StoreFixtures.pinHash().stored)', 'open', NULL, 1700000000, NULL, NULL, 5)
                """)
            #expect(try old.integer("SELECT count(*) FROM sqlite_master WHERE name = 'tokens'") == 0)
        }

        let reader = try SessionStoreReader(path: path)
        #expect(try reader.tokenChanges(revocationsAfter: 0, deviceRevocationsAfter: 0, operatorTokensAfter: 0).isEmpty)
        #expect(try reader.sessions(changedAfter: 0).map(\.id) == ["keep1"])

        let store = try SessionStore.open(at: path)
        #expect(try store.schemaVersion == TokenRows.schemaVersion)
        #expect(try store.sessions().map(\.id) == ["keep1"])
        #expect(try store.issuedTokens().isEmpty)
        try store.recordIssuedToken(
            Self.token(
                "op1", session: nil, device: "conductor",
                rules: [ProfileRule(profile: "", role: "device", access: .read, pattern: "dt/#")]))
        #expect(try store.revokeToken(tokenID: "t9", at: Self.now) == .revoked(known: false))
        #expect(try store.revokeDevice(sessionID: "keep1", device: "dev1", at: Self.now) == .revoked(recordedTokens: 0))

        // The reader opened before the migration sees the new tables without being reopened.
        let changes = try reader.tokenChanges(revocationsAfter: 0, deviceRevocationsAfter: 0, operatorTokensAfter: 0)
        #expect(changes.operatorTokens.map(\.tokenID) == ["op1"])
        #expect(changes.revocations.map(\.tokenID) == ["t9"])
        #expect(changes.deviceRevocations.map(\.sessionID) == ["keep1"])
    }
}
