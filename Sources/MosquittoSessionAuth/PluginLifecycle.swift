import CMosquittoBroker
import SessionAuthCore

/// Init and cleanup: parse options, create the state, register every callback or none.
enum PluginLifecycle {
    private static let events: [(event: mosquitto_plugin_event, callback: MOSQ_FUNC_generic_callback)] = [
        (MOSQ_EVT_BASIC_AUTH, BrokerCallbacks.basicAuth),
        (MOSQ_EVT_ACL_CHECK, BrokerCallbacks.aclCheck),
        (MOSQ_EVT_TICK, BrokerCallbacks.tick),
        (MOSQ_EVT_DISCONNECT, BrokerCallbacks.disconnect),
        (MOSQ_EVT_RELOAD, BrokerCallbacks.reload),
    ]

    static func start(
        identifier: OpaquePointer?, userdata: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
        options: UnsafeMutablePointer<mosquitto_opt>?, optionCount: Int32
    ) -> Int32 {
        guard let identifier, let userdata else {
            BrokerLog.error("the broker passed no plugin identifier; refusing to start")
            return MOSQ_ERR_INVAL.rawValue
        }
        let parsed: PluginOptions
        do {
            parsed = try PluginOptions(optionPairs(options, optionCount))
        } catch {
            BrokerLog.error("\(error)")
            return MOSQ_ERR_INVAL.rawValue
        }
        BrokerLog.level = parsed.logLevel
        var tokenKeys: TokenKeys? = nil
        if let path = parsed.jwtKeys {
            do { tokenKeys = try TokenKeys(options: parsed, path: path) } catch {
                BrokerLog.error("jwt_keys: \(error); refusing to start")
                return MOSQ_ERR_INVAL.rawValue
            }
        }
        let state = PluginState(options: parsed, tokenKeys: tokenKeys, nowMilliseconds: Clock.nowMilliseconds())
        let handle = Unmanaged.passRetained(PluginInstance(identifier: identifier, state: state))
        var registered: [(mosquitto_plugin_event, MOSQ_FUNC_generic_callback)] = []
        for (event, callback) in events {
            let rc = mosquitto_callback_register(identifier, Int32(event.rawValue), callback, nil, handle.toOpaque())
            guard rc == MOSQ_ERR_SUCCESS.rawValue else {
                BrokerLog.error(
                    "could not register for broker event \(event.rawValue) (error \(rc)); refusing to start")
                for (done, doneCallback) in registered {
                    _ = mosquitto_callback_unregister(identifier, Int32(done.rawValue), doneCallback, nil)
                }
                handle.release()
                return rc
            }
            registered.append((event, callback))
        }
        userdata.pointee = handle.toOpaque()
        BrokerLog.notice(
            "started (store \(parsed.databasePath), topic_root \(parsed.topicRoot.template), "
                + "pin_login \(parsed.pinLogin) (lock after \(parsed.pinLockout.maxFailures) wrong pins in "
                + "\(parsed.pinLockout.window) s for \(parsed.pinLockout.lockSeconds) s), "
                + "clientid_policy \(parsed.clientIDPolicy.rawValue), "
                + "unknown_users \(parsed.unknownUsers.rawValue), "
                + (tokenKeys.map {
                    "token login with \($0.keyCount) keys from \($0.path) (algorithms "
                        + parsed.jwtAlgorithms.map(\.rawValue).sorted().joined(separator: ",")
                        + ", leeway \(parsed.jwtLeeway) s, disconnect_on_expiry \(parsed.disconnectOnExpiry))"
                } ?? "token login off (no jwt_keys)") + ")")
        return MOSQ_ERR_SUCCESS.rawValue
    }

    static func stop(userdata: UnsafeMutableRawPointer?) -> Int32 {
        guard let userdata else { return MOSQ_ERR_SUCCESS.rawValue }
        let instance = Unmanaged<PluginInstance>.fromOpaque(userdata).takeRetainedValue()
        for (event, callback) in events {
            _ = mosquitto_callback_unregister(instance.identifier, Int32(event.rawValue), callback, nil)
        }
        let state = instance.state
        let seconds = Double(Clock.nowMilliseconds() - state.startedAtMilliseconds) / 1000
        let rate = seconds > 0 ? Double(state.tickCount) / seconds : 0
        BrokerLog.notice(
            "stopped after \(state.tickCount) ticks in \(Int(seconds)) s (\(Int(rate.rounded())) ticks/s)")
        return MOSQ_ERR_SUCCESS.rawValue
    }

    private static func optionPairs(_ options: UnsafeMutablePointer<mosquitto_opt>?, _ count: Int32)
        -> [(key: String, value: String)]
    {
        guard let options, count > 0 else { return [] }
        return (0..<Int(count)).map { index in
            let option = options[index]
            return (option.key.map { String(cString: $0) } ?? "", option.value.map { String(cString: $0) } ?? "")
        }
    }
}

/// What userdata points at: the broker's identifier for this instance and its state.
final class PluginInstance {
    let identifier: OpaquePointer
    let state: PluginState

    init(identifier: OpaquePointer, state: PluginState) {
        self.identifier = identifier
        self.state = state
    }
}
