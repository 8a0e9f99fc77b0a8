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

    /// The built-in profiles as `sessionctl init` creates them (SPEC §3).
    static let openProfile = Profile(
        name: "open", description: "open",
        rules: [ProfileRule(profile: "open", role: "device", access: .readwrite, pattern: "#")])
    static let telemetryProfile = Profile(
        name: "telemetry", description: "telemetry",
        rules: [
            ProfileRule(profile: "telemetry", role: "device", access: .write, pattern: "dt/+/%u/#"),
            ProfileRule(profile: "telemetry", role: "device", access: .readwrite, pattern: "cmd/+/%u/#"),
            ProfileRule(profile: "telemetry", role: "service", access: .read, pattern: "dt/#"),
            ProfileRule(profile: "telemetry", role: "service", access: .readwrite, pattern: "cmd/#"),
            ProfileRule(profile: "telemetry", role: "admin", access: .readwrite, pattern: "#"),
        ])
    static let profiles = [openProfile, telemetryProfile]

    static func snapshot(_ records: [SessionRecord]) -> SessionSnapshot {
        SessionSnapshot(records, profiles: profiles)
    }

    /// A connected client with its profile's rules compiled (the `open` profile unless told).
    static func client(
        session: String, username: String = "dev1", clientID: String? = nil, topicRoot: String? = nil,
        role: String = "device", profile: Profile = Fixtures.openProfile, expiresAt: Int64? = nil
    ) -> AuthenticatedClient {
        AuthenticatedClient(
            sessionID: session, username: username, clientID: clientID ?? "\(session)-\(username)", role: role,
            topicRoot: topicRoot ?? "\(session)/", profile: profile, profileName: profile.name, expiresAt: expiresAt)
    }
}

/// The UTF-8 bytes of `text`, as the broker hands names and passwords to the plugin.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
