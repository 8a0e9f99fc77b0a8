/// Identifies one broker connection (the address of its `struct mosquitto`), opaque to the core.
public struct ConnectionID: Hashable, Sendable {
    public let rawValue: UInt
    public init(_ rawValue: UInt) { self.rawValue = rawValue }
}

/// The connections the plugin let in, by connection and by session.
///
/// Tracking is by connection, not by username: two sessions may both have a device named `sensor1`,
/// and closing one must disconnect only its own.
public struct ClientRegistry: Sendable {
    @usableFromInline private(set) var clients = ConnectionTable()
    private var connectionByClientID: [String: ConnectionID] = [:]
    private var connectionsBySession: [String: Set<ConnectionID>] = [:]
    /// Connections that ended but are kept until the next tick (see `depart`).
    private var departed: Set<ConnectionID> = []
    /// Connections by the second their expiry falls on, so the once-a-second sweep looks only at
    /// those due instead of every connection. Entries may be stale (expiry moved, client gone):
    /// each is judged again when its second comes.
    private var expiring: [Int64: [ConnectionID]] = [:]
    /// The last second `evictExpired` covered.
    private var sweptThrough: Int64?

    public init() {}

    public var count: Int { clients.count }

    public subscript(connection: ConnectionID) -> AuthenticatedClient? { clients[connection] }

    /// What the registry can say about a message without judging it: most messages repeat the topic
    /// their connection was last allowed, and this answers those without handing the client out.
    /// `mutating` although it changes nothing: the caller then lends the registry's storage in place,
    /// where a non-mutating call it cannot see into made it copy the whole registry per check (~185
    /// instructions, measured with callgrind).
    @inlinable @inline(__always)  // inside the ACL check: no call on the path of every message
    public mutating func messageShortcut(_ kind: AccessKind, topic: Span<UInt8>, connection: ConnectionID)
        -> MessageShortcut
    {
        clients.withClient(connection) { client in
            client.allowedTopics.contains(kind, topic) ? .allowedAgain(until: client.expiresAt ?? .max) : .judge
        } ?? .judge
    }

    /// Records a connection that passed CONNECT. A connection already holding the same client id is
    /// forgotten: the broker is about to take it over, and its disconnect may come after this admit.
    public mutating func admit(_ client: AuthenticatedClient, as connection: ConnectionID) {
        // One hash of each name per admit and per removal: the string keys are what a CONNECT pays here.
        // The client id is filed before the previous holder is removed, so that removal leaves it alone.
        remove(connection)
        if let previous = connectionByClientID.updateValue(connection, forKey: client.clientID) {
            remove(previous)
        }
        clients.insert(client, for: connection)
        connectionsBySession[client.sessionID, default: []].insert(connection)
        if let expiresAt = client.expiresAt { schedule(connection, at: expiresAt) }
    }

    /// Files a connection under its expiry second; never under a second already swept (a clock that
    /// stepped back), or it would be missed.
    private mutating func schedule(_ connection: ConnectionID, at expiresAt: Int64) {
        let second = sweptThrough.map { max(expiresAt, $0 &+ 1) } ?? expiresAt
        expiring[second, default: []].append(connection)
    }

    @discardableResult
    public mutating func remove(_ connection: ConnectionID) -> AuthenticatedClient? {
        guard let client = clients.removeValue(for: connection) else { return nil }
        if let index = connectionByClientID.index(forKey: client.clientID),
            connectionByClientID.values[index] == connection
        {
            connectionByClientID.remove(at: index)
        }
        if let index = connectionsBySession.index(forKey: client.sessionID) {
            connectionsBySession.values[index].remove(connection)
            if connectionsBySession.values[index].isEmpty { connectionsBySession.remove(at: index) }
        }
        return client
    }

    /// A connection forgotten because it may no longer stay, to be disconnected by the tick.
    public struct Eviction: Equatable, Sendable {
        public let client: AuthenticatedClient
        public let reason: DisconnectReason
    }

    /// Forgets and returns every client that may no longer stay (`ClientStanding`): its session closed,
    /// expired or gone, its token revoked or expired. Looks at every connection: for a full reload and
    /// for token revocations (rare); session changes and expiry have the cheaper sweeps below.
    public mutating func evictClientsNoLongerAllowed(_ sessions: SessionSnapshot, now: Int64) -> [Eviction] {
        evict(clients.entries.map(\.connection), sessions, now)
    }

    /// The same judgement for the connections of the sessions that changed in the store: what a
    /// change costs grows with that session's clients, not with everyone connected.
    public mutating func evictClients(
        ofSessions sessionIDs: some Sequence<String>, _ sessions: SessionSnapshot, now: Int64
    )
        -> [Eviction]
    {
        var candidates: [ConnectionID] = []
        for sessionID in sessionIDs { candidates += connectionsBySession[sessionID] ?? [] }
        return evict(candidates, sessions, now)
    }

    /// The connections whose session or token expiry has come, up to `now`: the once-a-second sweep.
    public mutating func evictExpired(_ sessions: SessionSnapshot, now: Int64) -> [Eviction] {
        var due: [ConnectionID] = []
        if let sweptThrough, now > sweptThrough, now - sweptThrough <= 3_600 {
            for second in (sweptThrough + 1)...now {
                if let connections = expiring.removeValue(forKey: second) { due += connections }
            }
        } else if sweptThrough.map({ now > $0 }) ?? true {
            // The first sweep, or a clock that jumped forward by more than an hour: look at every bucket.
            for second in expiring.keys where second <= now {
                due += expiring.removeValue(forKey: second) ?? []
            }
        }
        sweptThrough = max(sweptThrough ?? now, now)
        return evict(due, sessions, now)
    }

    private mutating func evict(_ candidates: [ConnectionID], _ sessions: SessionSnapshot, _ now: Int64) -> [Eviction] {
        var evicted: [Eviction] = []
        for connection in candidates {
            guard let client = clients[connection],
                let reason = ClientStanding.disconnectReason(client, sessions: sessions, now: now)
            else { continue }
            remove(connection)
            // A connection that already ended needs no disconnect.
            if departed.remove(connection) != nil { continue }
            evicted.append(Eviction(client: client, reason: reason))
        }
        return evicted
    }

    /// Recompiles every connection's rules after a profile changed, so the change reaches clients
    /// that are already connected (a subscription no longer allowed stops receiving: every delivery
    /// is checked again).
    public mutating func recompileRules(_ compile: (AuthenticatedClient) -> ClientRules) {
        for (_, client) in clients.entries {
            client.rules = compile(client)
        }
    }

    /// Carries changed expiry times over to the connected clients of those sessions.
    public mutating func updateExpiry(from records: [SessionRecord]) {
        for record in records {
            for connection in connectionsBySession[record.id] ?? [] {
                guard let client = clients[connection] else { continue }
                client.sessionExpiresAt = record.expiresAt
                if let expiresAt = client.expiresAt { schedule(connection, at: expiresAt) }
            }
        }
    }

    /// Marks a connection as ended, keeping it until `forgetDeparted()`. Mosquitto 2.0.11 reports the
    /// disconnect before it checks and sends the client's will: forgetting it here would deny every will.
    public mutating func depart(_ connection: ConnectionID) -> AuthenticatedClient? {
        guard let client = clients[connection] else { return nil }
        departed.insert(connection)
        return client
    }

    /// Forgets the connections that ended since the last call (their wills have been checked by now).
    /// Runs on every broker tick, which under load is every pass of the broker's loop: with nobody
    /// departed it returns before iterating (iterating an empty set cost ~90 instructions per tick).
    public mutating func forgetDeparted() {
        guard !departed.isEmpty else { return }
        for connection in departed { remove(connection) }
        departed.removeAll(keepingCapacity: true)
    }

    /// True when a connection the plugin let in currently holds `clientID`.
    public func holdsClientID(_ clientID: String) -> Bool {
        connectionByClientID[clientID] != nil
    }
}

/// `ClientRegistry.messageShortcut`'s answer.
public enum MessageShortcut: Equatable, Sendable {
    /// The connection was last allowed exactly this topic for this direction, and stays allowed it
    /// until its end (`until`, in seconds; `Int64.max` when it has none).
    case allowedAgain(until: Int64)
    /// Anything else, a connection the plugin did not let in included: the message must be judged
    /// (`AccessPolicy.decideMessage`, which also says why it is refused).
    case judge

    /// How far behind the exact clock `allows`' coarse clock may be, in seconds, for the coarse
    /// reading alone to answer. The kernel's coarse clock lags by at most one timer tick (1–10 ms).
    public static let coarseClockLag: Int64 = 2

    /// True when the message passes without a decision; a remembered allow never outlives the
    /// connection's end. No clock is read for a connection without an end. For one with an end,
    /// `coarseNow` (seconds of a clock that never runs ahead of the exact one and trails it by less
    /// than `coarseClockLag`) answers alone while the end is further away than that lag, because then
    /// the exact time is before the end too; only nearer the end is `now`, the exact clock, read. The
    /// answer is the same as `now() < end` alone, cheaper on every message: reading the exact clock
    /// was a token client's whole extra cost per message.
    @inlinable  // inside the ACL check: two comparisons on the path of every message
    public func allows(coarseNow: () -> Int64, now: () -> Int64) -> Bool {
        guard case .allowedAgain(let end) = self else { return false }
        if end == .max { return true }
        // Saturating: an end within the lag of `Int64.min` is never answered by the coarse clock alone.
        let coarseDeadline = end > Int64.min + Self.coarseClockLag ? end - Self.coarseClockLag : .min
        return coarseNow() < coarseDeadline || Self.isBefore(end, now: now)
    }

    /// Within the coarse clock's lag of the end, or past it: the exact clock decides.
    @inline(never)  // the last seconds of a connection's life: kept off the path of every message
    @usableFromInline static func isBefore(_ end: Int64, now: () -> Int64) -> Bool {
        now() < end
    }
}
