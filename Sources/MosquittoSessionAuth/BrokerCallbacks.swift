import CMosquittoBroker
import SessionAuthCore

#if canImport(Glibc)
    import Glibc
#endif

/// The broker's callbacks: each one translates the event struct into Swift values, asks the state,
/// and translates the answer back. No Swift error or trap may escape into the broker.
enum BrokerCallbacks {
    static let basicAuth: MOSQ_FUNC_generic_callback = { _, eventData, userdata in
        guard let state = PluginInstance.state(userdata),
            let event = eventData?.assumingMemoryBound(to: mosquitto_evt_basic_auth.self).pointee,
            let client = event.client
        else { return MOSQ_ERR_AUTH.rawValue }
        let clientID = bytes(mosquitto_client_id(client)) ?? []
        // 2.0.11's event has no password length: the password ends at its first NUL byte.
        let attempt = LoginAttempt(username: bytes(event.username), password: bytes(event.password), clientID: clientID)
        let connection = connectionID(client)
        let result = state.authenticate(attempt, connection: connection, nowMilliseconds: Clock.nowMilliseconds())
        switch result {
        case .success(let admitted):
            // A token sent as the username: from here on the client is known by the token's `sub`,
            // so logs, %u and kicks never see the token.
            if attempt.username.map({ !$0.elementsEqual(admitted.username.utf8) }) ?? true {
                let rc = mosquitto_set_username(client, admitted.username)
                guard rc == MOSQ_ERR_SUCCESS.rawValue else {
                    state.forget(connection)
                    BrokerLog.error(
                        "refused client '\(admitted.clientID)': could not set its username to '\(admitted.username)' "
                            + "(error \(rc))")
                    return MOSQ_ERR_AUTH.rawValue
                }
            }
            state.metrics.loginAllowed(byToken: admitted.token != nil)
            BrokerLog.info(
                "allowed client '\(admitted.clientID)' as '\(admitted.username)' "
                    + (admitted.isOperator ? "with an operator token" : "in session '\(admitted.sessionID)'")
                    + (admitted.token == nil ? "" : " (token)"))
            return MOSQ_ERR_SUCCESS.rawValue
        case .failure(let refusal):
            let who = describe(clientID: clientID, address: mosquitto_client_address(client), state: state)
            if refusal.isForeign && state.options.unknownUsers == .defer {
                state.metrics.loginDeferred()
                BrokerLog.info("deferring \(who) to other plugins: \(refusal)")
                return MOSQ_ERR_PLUGIN_DEFER.rawValue
            }
            state.metrics.loginRefused(refusal)
            BrokerLog.notice("refused \(who): \(refusal)")
            return MOSQ_ERR_AUTH.rawValue
        }
    }

    static let aclCheck: MOSQ_FUNC_generic_callback = { _, eventData, userdata in
        guard let userdata, let eventData else { return MOSQ_ERR_ACL_DENIED.rawValue }
        return PluginInstance.withBorrowedState(userdata) { state in
            checkAccess(eventData.assumingMemoryBound(to: mosquitto_evt_acl_check.self), state: state)
        }
    }

    /// The path every PUBLISH and every delivery takes: a message on the topic its connection was last
    /// allowed is answered here; everything else is judged by `judgeAccess`, kept in a function of its
    /// own so that this path saves few registers (the judgement's log lines made every check pay for them).
    @inline(__always)  // one call fewer on the path of every message
    private static func checkAccess(_ event: UnsafeMutablePointer<mosquitto_evt_acl_check>, state: PluginState)
        -> Int32
    {
        // Only the three fields read, not a copy of the whole event.
        let access = event.pointee.access
        guard access == MOSQ_ACL_WRITE || access == MOSQ_ACL_READ, let client = event.pointee.client,
            let topicPointer = event.pointee.topic
        else { return judgeAccess(event, state: state) }
        let kind: AccessKind = access == MOSQ_ACL_WRITE ? .write : .read
        let shortcut = state.messageShortcut(
            kind, topic: Span(_unsafeElements: topicBytes(topicPointer)), connection: connectionID(client))
        // With `log_level debug` every allow gets its log line, which only the judgement writes.
        guard shortcut.allows(coarseNow: { Clock.coarseSeconds() }, now: { Clock.nowSeconds() }),
            !BrokerLog.isDebugEnabled
        else {
            return judgeAccess(event, state: state)
        }
        state.metrics.aclDecided(allowed: true)
        return MOSQ_ERR_SUCCESS.rawValue
    }

    @inline(never)
    private static func judgeAccess(_ event: UnsafeMutablePointer<mosquitto_evt_acl_check>, state: PluginState)
        -> Int32
    {
        guard let client = event.pointee.client, let topicPointer = event.pointee.topic else {
            return MOSQ_ERR_ACL_DENIED.rawValue
        }
        guard let kind = accessKind(event.pointee.access) else { return MOSQ_ERR_ACL_DENIED.rawValue }
        // The String is made only for a log line.
        var topic: String { String(cString: topicPointer) }
        guard let member = state.client(connectionID(client)) else {
            if state.options.unknownUsers == .defer { return MOSQ_ERR_PLUGIN_DEFER.rawValue }
            state.metrics.aclDecided(allowed: false)
            let who = describe(clientID: bytes(mosquitto_client_id(client)) ?? [], address: nil, state: state)
            BrokerLog.notice("denied \(kind.rawValue) '\(LogText.topic(topic))' to \(who): not a session member")
            return MOSQ_ERR_ACL_DENIED.rawValue
        }
        let decision: AccessDecision
        switch kind {
        case .read, .write:
            decision = AccessPolicy.decideMessage(
                kind, topic: Span(_unsafeElements: topicBytes(topicPointer)), client: member, now: Clock.nowSeconds())
        case .subscribe, .unsubscribe:
            decision = AccessPolicy.decide(kind, topic: topic, client: member, now: Clock.nowSeconds())
        }
        switch decision {
        case .allow:
            state.metrics.aclDecided(allowed: true)
            BrokerLog.debug(
                "allowed \(kind.rawValue) '\(LogText.topic(topic))' to client '\(member.clientID)' of session "
                    + "'\(member.sessionID)'")
            return MOSQ_ERR_SUCCESS.rawValue
        case .deny(let denial):
            state.metrics.aclDecided(allowed: false)
            BrokerLog.notice(
                "denied \(kind.rawValue) '\(LogText.topic(topic))' to client '\(member.clientID)' "
                    + "of session '\(member.sessionID)': \(denial)")
            return MOSQ_ERR_ACL_DENIED.rawValue
        }
    }

    static let tick: MOSQ_FUNC_generic_callback = { _, _, userdata in
        guard let userdata else { return MOSQ_ERR_SUCCESS.rawValue }
        PluginInstance.withBorrowedState(userdata) { tick($0) }
        return MOSQ_ERR_SUCCESS.rawValue
    }

    /// Every pass of the broker's loop under load, not only ten times a second when idle.
    private static func tick(_ state: PluginState) {
        let now = Clock.nowMilliseconds()
        if let evictions = state.tick(nowMilliseconds: now) { disconnect(evictions, state: state) }
        if let counters = state.metricsDue(nowMilliseconds: now) { publish(counters) }
    }

    private static func disconnect(_ evictions: [ClientRegistry.Eviction], state: PluginState) {
        for eviction in evictions {
            state.metrics.kicked()
            let evicted = eviction.client
            // with_will false: the will of a client whose session ended must not be published.
            let rc = mosquitto_kick_client_by_clientid(evicted.clientID, false)
            BrokerLog.notice(
                "disconnecting client '\(evicted.clientID)' (\(evicted.username)): \(eviction.reason)"
                    + (rc == MOSQ_ERR_SUCCESS.rawValue ? "" : " (kick returned \(rc))"))
        }
    }

    /// Retained, QoS 0, like the broker's own `$SYS` tree: who may read it is the broker's ACL's say
    /// (session members never may: `$` topics are outside every session).
    private static func publish(_ counters: [(topic: String, value: Int)]) {
        for (topic, value) in counters {
            let payload = Array(String(value).utf8)
            _ = payload.withUnsafeBytes { bytes in
                mosquitto_broker_publish_copy(
                    nil, PluginMetrics.topicPrefix + topic, Int32(bytes.count), bytes.baseAddress, 0, true, nil)
            }
        }
    }

    /// SIGHUP. Mosquitto 2.0 stops at the first reload callback that returns anything but DEFER,
    /// skipping the other plugins' reload: DEFER lets them run.
    static let reload: MOSQ_FUNC_generic_callback = { _, _, userdata in
        PluginInstance.state(userdata)?.reload()
        return MOSQ_ERR_PLUGIN_DEFER.rawValue
    }

    static let disconnect: MOSQ_FUNC_generic_callback = { _, eventData, userdata in
        guard let state = PluginInstance.state(userdata),
            let event = eventData?.assumingMemoryBound(to: mosquitto_evt_disconnect.self).pointee,
            let client = event.client
        else { return MOSQ_ERR_SUCCESS.rawValue }
        if let gone = state.disconnected(connectionID(client)) {
            BrokerLog.info("client '\(gone.clientID)' of session '\(gone.sessionID)' disconnected")
        }
        return MOSQ_ERR_SUCCESS.rawValue
    }

    // MARK: Translation helpers

    private static func connectionID(_ client: OpaquePointer) -> ConnectionID {
        ConnectionID(UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(client))))
    }

    /// The broker's topic as bytes, not copied: a message's topic is judged where the broker holds it.
    private static func topicBytes(_ topic: UnsafePointer<CChar>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: UnsafeRawPointer(topic).assumingMemoryBound(to: UInt8.self), count: strlen(topic))
    }

    private static func bytes(_ string: UnsafePointer<CChar>?) -> [UInt8]? {
        guard let string else { return nil }
        return Array(UnsafeRawBufferPointer(start: string, count: strlen(string)))
    }

    private static func accessKind(_ access: Int32) -> AccessKind? {
        switch access {
        case MOSQ_ACL_READ: return .read
        case MOSQ_ACL_WRITE: return .write
        case MOSQ_ACL_SUBSCRIBE: return .subscribe
        case MOSQ_ACL_UNSUBSCRIBE: return .unsubscribe
        default: return nil
        }
    }

    /// Names a client in a log line, echoing only names that passed the identity alphabet.
    private static func describe(clientID: [UInt8], address: UnsafePointer<CChar>?, state: PluginState) -> String {
        var text =
            state.loginPolicy.identityRules.violation(in: clientID) == nil
            ? "client '\(String(decoding: clientID, as: UTF8.self))'" : "a client with an invalid client id"
        if let address { text += " from \(String(cString: address))" }
        return text
    }
}

extension PluginInstance {
    static func state(_ userdata: UnsafeMutableRawPointer?) -> PluginState? {
        guard let userdata else { return nil }
        return Unmanaged<PluginInstance>.fromOpaque(userdata).takeUnretainedValue().state
    }

    /// The state borrowed, not retained, for the callbacks of every message and every loop pass: the broker
    /// holds the instance for as long as the callback is registered, and a retain/release pair was ~45
    /// instructions per call.
    @inline(__always)
    static func withBorrowedState<Result>(
        _ userdata: UnsafeMutableRawPointer, _ body: (PluginState) -> Result
    ) -> Result {
        Unmanaged<PluginInstance>.fromOpaque(userdata)._withUnsafeGuaranteedRef { body($0.state) }
    }
}
