import CMosquittoClient
import Foundation

/// A real MQTT client (libmosquitto) for the integration tests. It runs its own network loop on a
/// thread and never reconnects by itself, so a test sees every drop and decides what comes next.
final class MQTTTestClient: @unchecked Sendable {
    enum ProtocolVersion {
        case v311, v5
    }

    struct Message: Equatable {
        let topic: String
        let payload: String
    }

    /// Everything the callbacks report, behind one lock (they run on the loop thread).
    final class Events: @unchecked Sendable {
        let lock = NSLock()
        var connackCode: Int32?
        var disconnected = false
        var grantedQoS: [Int32: [Int32]] = [:]
        var publishReasons: [Int32: Int32] = [:]
        var messages: [Message] = []

        func with<T>(_ body: (Events) -> T) -> T {
            lock.lock()
            defer { lock.unlock() }
            return body(self)
        }
    }

    private static let libraryReady: Bool = {
        mosquitto_lib_init()
        return true
    }()

    let clientID: String
    let port: Int
    let events = Events()
    private let handle: OpaquePointer
    private var loopThread: Thread?
    private var loop = LoopControl()

    /// Tells the loop thread to stop, and the test when it has.
    final class LoopControl: @unchecked Sendable {
        private let lock = NSLock()
        private var stopRequested = false
        private var stopped = false
        var shouldStop: Bool { lock.withLock { stopRequested } }
        var hasStopped: Bool { lock.withLock { stopped } }
        func requestStop() { lock.withLock { stopRequested = true } }
        func markStopped() { lock.withLock { stopped = true } }
    }

    struct Handle: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    init(clientID: String, port: Int, protocolVersion: ProtocolVersion, cleanSession: Bool) {
        _ = Self.libraryReady
        self.clientID = clientID
        self.port = port
        handle = mosquitto_new(clientID, cleanSession, Unmanaged.passUnretained(events).toOpaque())!
        mosquitto_threaded_set(handle, true)
        if protocolVersion == .v5 {
            mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5)
        }
        mosquitto_connect_callback_set(handle) { _, context, rc in
            MQTTTestClient.events(context).with { $0.connackCode = rc }
        }
        mosquitto_disconnect_callback_set(handle) { _, context, _ in
            MQTTTestClient.events(context).with { $0.disconnected = true }
        }
        mosquitto_subscribe_callback_set(handle) { _, context, mid, count, granted in
            let list = (0..<Int(count)).map { granted![$0] }
            MQTTTestClient.events(context).with { $0.grantedQoS[mid] = list }
        }
        mosquitto_publish_v5_callback_set(handle) { _, context, mid, reason, _ in
            MQTTTestClient.events(context).with { $0.publishReasons[mid] = reason }
        }
        mosquitto_message_callback_set(handle) { _, context, message in
            guard let message = message?.pointee else { return }
            let topic = String(cString: message.topic)
            let payload =
                message.payload.map {
                    String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(message.payloadlen)), as: UTF8.self)
                } ?? ""
            MQTTTestClient.events(context).with { $0.messages.append(Message(topic: topic, payload: payload)) }
        }
    }

    deinit {
        stopLoop()
        mosquitto_destroy(handle)
    }

    private static func events(_ context: UnsafeMutableRawPointer?) -> Events {
        Unmanaged<Events>.fromOpaque(context!).takeUnretainedValue()
    }

    /// Connects and waits for the CONNACK: 0 when accepted, the broker's refusal code otherwise
    /// (5 "not authorised" for MQTT 3.1.1, 135 for MQTT 5), nil when no CONNACK came.
    @discardableResult
    func connect(username: String?, password: String?, timeout: TimeInterval = 3) -> Int32? {
        // A client used again (a retried login) must not report the previous attempt's CONNACK or drop.
        stopLoop()
        events.with {
            $0.connackCode = nil
            $0.disconnected = false
        }
        mosquitto_username_pw_set(handle, username, password)
        guard mosquitto_connect(handle, "127.0.0.1", Int32(port), 30) == MOSQ_ERR_SUCCESS.rawValue else { return nil }
        startLoop()
        return wait(timeout) { $0.connackCode }
    }

    /// Subscribes and returns the granted QoS (128 = refused by the broker), nil when no SUBACK came.
    func subscribe(_ filter: String, qos: Int32 = 1, timeout: TimeInterval = 3) -> Int32? {
        var mid: Int32 = 0
        guard mosquitto_subscribe(handle, &mid, filter, qos) == MOSQ_ERR_SUCCESS.rawValue else { return nil }
        return wait(timeout) { $0.grantedQoS[mid]?.first }
    }

    /// Publishes at QoS 1 and returns the PUBACK reason code (0 success; with MQTT 5, 135 when the
    /// broker refused it), nil when no PUBACK came.
    func publish(_ topic: String, _ payload: String, timeout: TimeInterval = 3) -> Int32? {
        var mid: Int32 = 0
        let rc = payload.withCString {
            mosquitto_publish(handle, &mid, topic, Int32(strlen($0)), $0, 1, false)
        }
        guard rc == MOSQ_ERR_SUCCESS.rawValue else { return nil }
        return wait(timeout) { $0.publishReasons[mid] }
    }

    /// Waits for a message on `topic`.
    func waitForMessage(on topic: String, timeout: TimeInterval = 3) -> Message? {
        wait(timeout) { events in events.messages.first { $0.topic == topic } }
    }

    /// The messages received so far, after giving stragglers `settle` seconds to arrive.
    func receivedMessages(settle: TimeInterval = 0.5) -> [Message] {
        Thread.sleep(forTimeInterval: settle)
        return events.with { $0.messages }
    }

    /// Waits until the broker drops the connection; true when it did within `timeout`.
    func waitForDisconnect(timeout: TimeInterval) -> Bool {
        wait(timeout) { $0.disconnected ? true : nil } ?? false
    }

    var isDisconnected: Bool { events.with { $0.disconnected } }

    func disconnect() {
        mosquitto_disconnect(handle)
        stopLoop()
    }

    private func wait<T>(_ timeout: TimeInterval, _ probe: (Events) -> T?) -> T? {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if let value = events.with(probe) { return value }
            Thread.sleep(forTimeInterval: 0.005)
        } while Date() < deadline
        return nil
    }

    private func startLoop() {
        guard loopThread == nil else { return }
        let handle = Handle(pointer: self.handle)
        // A fresh control each time: a stopped loop's stays stopped.
        let loop = LoopControl()
        self.loop = loop
        let thread = Thread {
            while !loop.shouldStop {
                if mosquitto_loop(handle.pointer, 20, 1) != MOSQ_ERR_SUCCESS.rawValue {
                    Thread.sleep(forTimeInterval: 0.01)
                }
            }
            loop.markStopped()
        }
        loopThread = thread
        thread.start()
    }

    private func stopLoop() {
        guard loopThread != nil else { return }
        loop.requestStop()
        let deadline = Date().addingTimeInterval(2)
        while !loop.hasStopped && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        loopThread = nil
    }
}
