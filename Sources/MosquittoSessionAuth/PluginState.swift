import CMosquittoBroker
import SessionAuthCore
import SessionAuthCrypto
import SessionStore

/// Everything one plugin instance knows, handed to every callback as userdata. With
/// `per_listener_settings true` the broker initialises one instance per listener, so nothing is global.
final class PluginState {
    /// How often the store is asked for changes; the tick fires about 10 times a second.
    static let refreshIntervalMilliseconds: Int64 = 100

    let options: PluginOptions
    let loginPolicy: LoginPolicy
    let digester = OpenSSLDigester()
    private(set) var sessions = SessionSnapshot()
    // Read on every PUBLISH and delivery; the broker runs callbacks on one thread, one at a time, so
    // the runtime's exclusivity bookkeeping (two calls into the Swift runtime per access) buys nothing here.
    @exclusivity(unchecked) private(set) var registry = ClientRegistry()
    private var pinLockout: PinLockout
    private let store: StoreFollower
    /// The `jwt_keys` verifier; nil when token login is not configured.
    let tokenKeys: TokenKeys?
    private var lastRefresh: Int64?
    private var lastSweepSecond: Int64?
    /// Clients evicted since the last tick, waiting to be disconnected by it. Looked at on every tick, which
    /// under load is every pass of the broker's loop: unchecked like the registry (~76 instructions a tick).
    @exclusivity(unchecked) private var pendingKicks: [ClientRegistry.Eviction] = []
    private(set) var tickCount = 0
    /// The `$SYS` counters; the callbacks count what they decide.
    @exclusivity(unchecked) var metrics = PluginMetrics()
    private var lastMetricsPublished: Int64?
    let startedAtMilliseconds: Int64

    init(options: PluginOptions, tokenKeys: TokenKeys?, nowMilliseconds: Int64) {
        self.options = options
        self.tokenKeys = tokenKeys
        self.loginPolicy = LoginPolicy(options: options)
        self.store = StoreFollower(path: options.databasePath)
        self.pinLockout = PinLockout(options.pinLockout)
        self.startedAtMilliseconds = nowMilliseconds
        refreshIfDue(nowMilliseconds: nowMilliseconds)
    }

    // MARK: Events, in Swift terms

    func authenticate(_ attempt: LoginAttempt, connection: ConnectionID, nowMilliseconds: Int64)
        -> Result<AuthenticatedClient, LoginRefusal>
    {
        // Logins also pull changes, so a session created a moment ago is found even between ticks.
        refreshIfDue(nowMilliseconds: nowMilliseconds)
        let now = nowMilliseconds / 1000
        var result = login(attempt, now: now)
        // A session created since the last refresh: look once more (a data_version check, microseconds)
        // rather than refuse a device that was handed its id and pin a moment ago.
        if case .failure(.unknownSession) = result, refresh(nowMilliseconds: nowMilliseconds) {
            result = login(attempt, now: now)
        }
        if case .failure(.wrongPin(let sessionID)) = result, pinLockout.recordFailure(sessionID, now: now) {
            metrics.lockedOut()
            let settings = pinLockout.settings
            BrokerLog.warning(
                "pin login to session '\(sessionID)' locked for \(settings.lockSeconds) s after "
                    + "\(settings.maxFailures) wrong pins within \(settings.window) s")
        }
        // What cannot be verified against a readable store is refused (connected clients stay, judged
        // by the last good snapshot). Foreign credentials keep their own refusal (they may be deferred).
        if !store.isReadable, result.isSuccess || !result.refusalIsForeign {
            return .failure(.storeUnavailable)
        }
        if case .success(let client) = result { registry.admit(client, as: connection) }
        return result
    }

    private func login(_ attempt: LoginAttempt, now: Int64) -> Result<AuthenticatedClient, LoginRefusal> {
        let lockout = pinLockout
        return loginPolicy.authenticate(
            attempt, sessions: sessions, now: now, digester: digester, tokens: tokenKeys?.verifier,
            isPinLocked: { lockout.isLocked($0, now: now) })
    }

    /// SIGHUP (MOSQ_EVT_RELOAD): keys are read again; a bad file leaves the old ones in force.
    func reload() {
        if tokenKeys?.reloadNow() == true { metrics.keysReloaded() }
    }

    /// The counters to publish under `$SYS` when `sys_interval` has passed since the last time, else nil.
    func metricsDue(nowMilliseconds: Int64) -> [(topic: String, value: Int)]? {
        guard options.sysInterval > 0 else { return nil }
        if let last = lastMetricsPublished, nowMilliseconds >= last,
            nowMilliseconds - last < options.sysInterval * 1000
        {
            return nil
        }
        lastMetricsPublished = nowMilliseconds
        let now = nowMilliseconds / 1000
        return metrics.entries(sessionsOpen: sessions.openSessions(at: now), clientsConnected: registry.count)
    }

    func client(_ connection: ConnectionID) -> AuthenticatedClient? {
        registry[connection]
    }

    /// Answers a message that repeats its connection's last allowed topic without a decision.
    func messageShortcut(_ kind: AccessKind, topic: Span<UInt8>, connection: ConnectionID) -> MessageShortcut {
        registry.messageShortcut(kind, topic: topic, connection: connection)
    }

    /// A connection ended; returns who it was, if the plugin had let it in. It is forgotten at the next
    /// tick, after the broker has checked its will.
    func disconnected(_ connection: ConnectionID) -> AuthenticatedClient? {
        registry.depart(connection)
    }

    /// Runs on every broker tick: pulls store changes and returns the clients to disconnect (sessions
    /// closed, expired or gone), nil when there are none (most ticks: an empty array still cost the
    /// caller a release). Disconnects happen here, never inside auth or ACL callbacks.
    func tick(nowMilliseconds: Int64) -> [ClientRegistry.Eviction]? {
        tickCount += 1
        registry.forgetDeparted()
        refreshIfDue(nowMilliseconds: nowMilliseconds)
        if tokenKeys?.reloadIfChanged(nowMilliseconds: nowMilliseconds) == true { metrics.keysReloaded() }
        // Expiry needs no store change: sweep once a second too.
        let second = nowMilliseconds / 1000
        if second != lastSweepSecond {
            lastSweepSecond = second
            pendingKicks += registry.evictExpired(sessions, now: second)
            pinLockout.forgetExpired(now: second)
        }
        guard !pendingKicks.isEmpty else { return nil }
        // An evicted client whose id was taken by a new connection since is gone already: kicking by
        // that id now would disconnect the newcomer.
        let kicks = pendingKicks.filter { !registry.holdsClientID($0.client.clientID) }
        pendingKicks = []
        return kicks
    }

    /// A client the plugin let in whose connection the broker did not take after all.
    func forget(_ connection: ConnectionID) {
        registry.remove(connection)
    }

    private func refreshIfDue(nowMilliseconds: Int64) {
        if let lastRefresh, nowMilliseconds >= lastRefresh,
            nowMilliseconds - lastRefresh < Self.refreshIntervalMilliseconds
        {
            return
        }
        refresh(nowMilliseconds: nowMilliseconds)
    }

    /// Applies what changed in the store; true when anything did.
    @discardableResult
    private func refresh(nowMilliseconds: Int64) -> Bool {
        lastRefresh = nowMilliseconds
        guard let update = store.update(after: sessions, nowMilliseconds: nowMilliseconds) else { return false }
        metrics.storeReloaded()
        let tokens = update.tokens
        let now = nowMilliseconds / 1000
        // Connections that may no longer stay are forgotten at once (from here on their ACL checks fail
        // as "not a session member") and kicked by the tick. Only those a change can touch are looked
        // at: a session change costs that session's clients, not everyone's. Revocations are rare and
        // may name any connection, so they (and a full reload) look at all.
        var changedSessionIDs: [String]? = nil
        defer {
            if let changedSessionIDs {
                pendingKicks += registry.evictClients(ofSessions: changedSessionIDs, sessions, now: now)
            } else {
                pendingKicks += registry.evictClientsNoLongerAllowed(sessions, now: now)
            }
        }
        if update.isFull {
            sessions = SessionSnapshot(
                validated(update.sessions),
                tokens: TokenSnapshot(
                    revocations: tokens.revocations, deviceRevocations: tokens.deviceRevocations,
                    operatorTokens: tokens.operatorTokens))
            // A full load builds the rows once as an array and once as the snapshot; glibc keeps the freed
            // array's pages unless asked, and on a large store that is most of the broker's memory.
            session_auth_release_free_memory()
            BrokerLog.notice(
                "loaded \(sessions.count) sessions, \(sessions.tokens.revokedCount) revoked tokens and "
                    + "\(sessions.tokens.operatorTokenCount) operator tokens from \(options.databasePath)")
        } else {
            let changed = validated(update.sessions)
            sessions.apply(changed)
            sessions.tokens.apply(tokens.revocations)
            sessions.tokens.apply(tokens.deviceRevocations)
            sessions.tokens.apply(tokens.operatorTokens)
            registry.updateExpiry(from: changed)
            if tokens.isEmpty { changedSessionIDs = changed.map(\.id) }
            BrokerLog.debug(
                "applied \(update.sessions.count) changed sessions, \(tokens.revocations.count) token and "
                    + "\(tokens.deviceRevocations.count) device revocations, \(tokens.operatorTokens.count) operator tokens"
            )
        }
        if let (revision, profiles) = update.profiles {
            sessions.replaceProfiles(profiles, revision: revision)
            let snapshot = sessions
            registry.recompileRules { client in
                // Operator tokens have their own rules, not a profile's.
                if client.isOperator { return client.rules }
                let type = snapshot[client.sessionID]?.type ?? ""
                return client.compiledRules(from: snapshot.profiles[type], profileName: type)
            }
            let rules = profiles.map(\.rules.count).reduce(0, +)
            if update.isFull {
                BrokerLog.notice("loaded \(profiles.count) profiles (\(rules) rules)")
            } else {
                BrokerLog.notice(
                    "profiles changed: now \(profiles.count) profiles (\(rules) rules), applied to \(registry.count) connected clients"
                )
            }
        }
        return true
    }

    /// A row whose id breaks the identity alphabet could never be logged into safely: it is skipped.
    private func validated(_ records: [SessionRecord]) -> [SessionRecord] {
        records.filter { record in
            if let violation = loginPolicy.identityRules.violation(in: record.id.utf8) {
                BrokerLog.warning("skipping a session in the store whose id \(violation)")
                return false
            }
            return true
        }
    }
}

extension Result where Success == AuthenticatedClient, Failure == LoginRefusal {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }

    var refusalIsForeign: Bool {
        if case .failure(let refusal) = self { return refusal.isForeign }
        return false
    }
}
