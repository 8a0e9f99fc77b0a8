import SessionAuthCore
import SessionAuthCrypto

/// Shared values for the core tests: a fixed clock, fixed salts and sessions built from them.
enum Fixtures {
    static let now: Int64 = 1_700_000_000
    static let pin = "123456"
    static let salt: [UInt8] = Array(0..<16)
    static let otherSalt: [UInt8] = Array(16..<32)
    static let digester = OpenSSLDigester()

    static func pinHash(_ pin: String = Fixtures.pin, salt: [UInt8] = Fixtures.salt) -> PinHash {
        PinHash(pin: Array(pin.utf8), salt: salt, using: digester)
    }

    static func session(
        _ id: String, pin: String = Fixtures.pin, pinHash: String? = nil, expiresAt: Int64? = nil,
        closedAt: Int64? = nil, revision: Int64 = 1
    ) -> SessionRecord {
        SessionRecord(
            id: id, pinHash: pinHash ?? Fixtures.pinHash(pin).stored, type: "open", label: nil,
            createdAt: now - 3_600, expiresAt: expiresAt, closedAt: closedAt, revision: revision)
    }

    static func client(
        session: String, username: String = "dev1", clientID: String? = nil, topicRoot: String? = nil
    ) -> AuthenticatedClient {
        AuthenticatedClient(
            sessionID: session, username: username, clientID: clientID ?? "\(session)-\(username)", role: "device",
            topicRoot: topicRoot ?? "\(session)/")
    }
}

/// The UTF-8 bytes of `text`, as the broker hands names and passwords to the plugin.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
