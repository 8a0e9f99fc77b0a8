import BrokerStubs
import CMosquittoBroker
import Foundation
import MosquittoSessionAuth
import SessionAuthCore
import SessionAuthCrypto
import SessionStore

/// Loads the plugin through its C entry points, as the broker does, against the broker stubs.
final class PluginHarness {
    let directory: URL
    let databasePath: String
    private var userdata: UnsafeMutableRawPointer?
    private(set) var initResult: Int32 = -1
    private var clients: [OpaquePointer] = []
    private let fakeIdentifier = OpaquePointer(bitPattern: 0x1)!

    init(createStore: Bool = true) throws {
        stub_reset()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("abi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        databasePath = directory.appendingPathComponent("sessions.db").path
        if createStore { _ = try SessionStore.initialise(at: databasePath) }
    }

    deinit {
        if userdata != nil { stop() }
        clients.forEach { stub_client_free($0) }
        try? FileManager.default.removeItem(at: directory)
    }

    @discardableResult
    func start(options: [(String, String)]? = nil) -> Int32 {
        let pairs = options ?? [("db_path", databasePath)]
        var cOptions = pairs.map { mosquitto_opt(key: strdup($0.0), value: strdup($0.1)) }
        defer {
            cOptions.forEach {
                free($0.key)
                free($0.value)
            }
        }
        initResult = cOptions.withUnsafeMutableBufferPointer { buffer in
            pluginInit(fakeIdentifier, &userdata, buffer.baseAddress, Int32(buffer.count))
        }
        return initResult
    }

    func stop() {
        _ = pluginCleanup(userdata, nil, 0)
        userdata = nil
    }

    func addSession(id: String, pin: String, expiresAt: Int64? = nil) throws {
        let store = try SessionStore.open(at: databasePath)
        let hash = PinHash(
            pin: Array(pin.utf8), salt: Array(repeating: 7, count: PinHash.saltLength), using: OpenSSLDigester())
        let now = Int64(Date().timeIntervalSince1970)
        _ = try store.insertSession(
            id: id, pinHash: hash, type: "open", label: nil, createdAt: now, expiresAt: expiresAt)
    }

    func closeSession(_ id: String) throws {
        _ = try SessionStore.open(at: databasePath).closeSession(id: id, at: Int64(Date().timeIntervalSince1970))
    }

    func client(_ clientID: String) -> OpaquePointer {
        let client = stub_client_new(clientID, "127.0.0.1")!
        clients.append(client)
        return client
    }

    /// Ticks as the broker does, long enough for the plugin's 100 ms store refresh to come round.
    func tickPastRefresh() {
        Thread.sleep(forTimeInterval: 0.15)
        _ = stub_tick()
    }

    var logLines: [String] {
        (0..<stub_log_count()).compactMap { stub_log_line($0).map { String(cString: $0) } }
    }

    var kickedClientIDs: [String] {
        (0..<stub_kick_count()).compactMap { stub_kicked_client_id($0).map { String(cString: $0) } }
    }
}

let authOK = MOSQ_ERR_SUCCESS.rawValue
let authRefused = MOSQ_ERR_AUTH.rawValue
let aclDenied = MOSQ_ERR_ACL_DENIED.rawValue
let deferred = MOSQ_ERR_PLUGIN_DEFER.rawValue
