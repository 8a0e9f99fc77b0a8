import CMosquittoClient

#if canImport(Glibc)
    import Glibc
#endif

/// One MQTT connection (libmosquitto) driven by the thread that owns it: no network thread of its own,
/// its callbacks run inside `pump` on that thread. A worker drives its few connections with one
/// poll(), so tens of thousands of cycles cost no thread and no sleep each.
final class SoakClient {
    enum Version {
        case v311, v5

        /// CONNACK / SUBACK / PUBACK code of "not authorised".
        var notAuthorised: Int32 { self == .v5 ? 135 : 5 }
    }

    struct Message {
        let topic: String
        let payload: String
    }

    /// What the callbacks report. Touched only by the owning thread.
    final class Events {
        var connack: Int32?
        var connackAt: Double?
        var disconnected = false
        var disconnectedAt: Double?
        var subacks: [Int32: Int32] = [:]
        var pubacks: [Int32: Int32] = [:]
        var messages: [Message] = []
    }

    static let libraryReady: Bool = {
        mosquitto_lib_init()
        return true
    }()

    let clientID: String
    let version: Version
    let events = Events()
    private let handle: OpaquePointer
    private(set) var connectStartedAt = 0.0

    init(clientID: String, version: Version) {
        _ = Self.libraryReady
        self.clientID = clientID
        self.version = version
        handle = mosquitto_new(clientID, true, Unmanaged.passUnretained(events).toOpaque())!
        if version == .v5 { mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5) }
        mosquitto_int_option(handle, MOSQ_OPT_TCP_NODELAY, 1)
        mosquitto_connect_callback_set(handle) { _, context, rc in
            let events = SoakClient.events(context)
            events.connack = rc
            events.connackAt = Clock.now()
        }
        mosquitto_disconnect_callback_set(handle) { _, context, _ in
            let events = SoakClient.events(context)
            events.disconnected = true
            events.disconnectedAt = Clock.now()
        }
        mosquitto_subscribe_callback_set(handle) { _, context, mid, count, granted in
            guard count > 0, let granted else { return }
            SoakClient.events(context).subacks[mid] = granted[0]
        }
        mosquitto_publish_v5_callback_set(handle) { _, context, mid, reason, _ in
            SoakClient.events(context).pubacks[mid] = reason
        }
        mosquitto_message_callback_set(handle) { _, context, message in
            guard let message = message?.pointee else { return }
            let payload =
                message.payload.map {
                    String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(message.payloadlen)), as: UTF8.self)
                } ?? ""
            SoakClient.events(context).messages.append(Message(topic: String(cString: message.topic), payload: payload))
        }
    }

    deinit { mosquitto_destroy(handle) }

    private static func events(_ context: UnsafeMutableRawPointer?) -> Events {
        Unmanaged<Events>.fromOpaque(context!).takeUnretainedValue()
    }

    /// Opens the TCP connection and sends CONNECT; false when that failed locally.
    func startConnect(port: Int, username: String?, password: String?) -> Bool {
        mosquitto_username_pw_set(handle, username, password)
        connectStartedAt = Clock.now()
        return mosquitto_connect(handle, "127.0.0.1", Int32(port), 60) == MOSQ_ERR_SUCCESS.rawValue
    }

    /// The login's outcome: `.accepted`, `.refused(code)` (a refusing CONNACK, or the connection closed
    /// without one), or `.noAnswer` when nothing came within `timeout`.
    enum LoginOutcome: Equatable {
        case accepted
        case refused(Int32?)
        case noAnswer, notSent
    }

    func connect(port: Int, username: String?, password: String?, timeout: Double = 10) -> LoginOutcome {
        guard startConnect(port: port, username: username, password: password) else { return .notSent }
        return awaitConnack(timeout: timeout)
    }

    func awaitConnack(timeout: Double) -> LoginOutcome {
        SoakClient.pump([self], timeout: timeout) { events.connack != nil || events.disconnected }
        if let code = events.connack { return code == 0 ? .accepted : .refused(code) }
        return events.disconnected ? .refused(nil) : .noAnswer
    }

    /// SUBSCRIBE at QoS 1; the message id to wait for, nil when libmosquitto refused to send it.
    func subscribe(_ filter: String) -> Int32? {
        var mid: Int32 = 0
        return mosquitto_subscribe(handle, &mid, filter, 1) == MOSQ_ERR_SUCCESS.rawValue ? mid : nil
    }

    /// PUBLISH at QoS 1; the message id to wait for, nil when libmosquitto refused to send it.
    func publish(_ topic: String, _ payload: String) -> Int32? {
        var mid: Int32 = 0
        let rc = payload.withCString { mosquitto_publish(handle, &mid, topic, Int32(strlen($0)), $0, 1, false) }
        return rc == MOSQ_ERR_SUCCESS.rawValue ? mid : nil
    }

    /// Waits for the SUBACK of `mid`: its first return code, nil on timeout or drop.
    func awaitSuback(_ mid: Int32, timeout: Double = 10) -> Int32? {
        SoakClient.pump([self], timeout: timeout) { events.subacks[mid] != nil || events.disconnected }
        return events.subacks[mid]
    }

    func awaitPuback(_ mid: Int32, timeout: Double = 10) -> Int32? {
        SoakClient.pump([self], timeout: timeout) { events.pubacks[mid] != nil || events.disconnected }
        return events.pubacks[mid]
    }

    /// Sends DISCONNECT and waits (briefly) for the broker to close the connection.
    func disconnect() {
        guard !events.disconnected else { return }
        mosquitto_disconnect(handle)
        SoakClient.pump([self], timeout: 2) { events.disconnected }
    }

    /// Drives `clients` until `done` holds or `timeout` passes; true when `done` held.
    @discardableResult
    static func pump(_ clients: [SoakClient], timeout: Double, until done: () -> Bool) -> Bool {
        let deadline = Clock.now() + timeout
        while !done() {
            let remaining = deadline - Clock.now()
            if remaining <= 0 { return false }
            var descriptors: [pollfd] = []
            var owners: [SoakClient] = []
            for client in clients {
                let socket = mosquitto_socket(client.handle)
                guard socket >= 0 else { continue }
                let wanted = Int16(POLLIN) | (mosquitto_want_write(client.handle) ? Int16(POLLOUT) : 0)
                descriptors.append(pollfd(fd: socket, events: wanted, revents: 0))
                owners.append(client)
            }
            if descriptors.isEmpty { return done() }
            let ready = poll(&descriptors, nfds_t(descriptors.count), Int32(min(remaining, 0.05) * 1000) + 1)
            guard ready > 0 else { continue }
            for (index, descriptor) in descriptors.enumerated() where descriptor.revents != 0 {
                // A zero timeout: only what poll() saw ready is read or written; a lost connection
                // ends in the disconnect callback.
                mosquitto_loop(owners[index].handle, 0, 1)
            }
        }
        return true
    }

    /// Reads whatever has already arrived, without waiting, and keeps the connections alive: a client
    /// that never receives anything (a watcher) gets its PINGREQ from here, or the broker drops it after
    /// 1.5 keepalives.
    static func drain(_ clients: [SoakClient]) {
        for client in clients where mosquitto_socket(client.handle) >= 0 { mosquitto_loop_misc(client.handle) }
        var rounds = 0
        while rounds < 64 {
            rounds += 1
            var descriptors = clients.compactMap { client -> pollfd? in
                let socket = mosquitto_socket(client.handle)
                return socket >= 0 ? pollfd(fd: socket, events: Int16(POLLIN), revents: 0) : nil
            }
            guard !descriptors.isEmpty, poll(&descriptors, nfds_t(descriptors.count), 0) > 0 else { return }
            for client in clients where mosquitto_socket(client.handle) >= 0 { mosquitto_loop(client.handle, 0, 1) }
        }
    }
}
