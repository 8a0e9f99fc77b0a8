/// A salted digest of a session's pin, as the store keeps it: `sha256$<salt hex>$<digest hex>`.
///
/// Why a single salted SHA-256 and not a slow KDF: pins are 6 digits, so no hash protects them
/// against someone who can read the store (10^6 guesses is cheap whatever the cost factor), while
/// a slow KDF would stall the single-threaded broker on every pin CONNECT. The hash keeps pins out
/// of backups and logs in clear; file modes protect the store; the lockout stops online guessing.
public struct PinHash: Equatable, Sendable {
    public static let scheme = "sha256"
    public static let saltLength = 16
    public static let digestLength = 32

    public let salt: [UInt8]
    public let digest: [UInt8]

    public init(salt: [UInt8], digest: [UInt8]) {
        self.salt = salt
        self.digest = digest
    }

    /// Computes the digest of `pin` under `salt` with the given SHA-256 implementation.
    public init(pin: some Collection<UInt8>, salt: [UInt8], using digester: some PinDigester) {
        self.init(salt: salt, digest: digester.sha256(salt + Array(pin)))
    }

    /// Parses the stored form; nil when it is not one this version understands.
    public init?(stored: String) {
        let parts = stored.utf8.split(separator: UInt8(ascii: "$"), omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].elementsEqual(Self.scheme.utf8),
            let salt = Hex.decode(parts[1]), let digest = Hex.decode(parts[2]),
            salt.count == Self.saltLength, digest.count == Self.digestLength
        else { return nil }
        self.init(salt: salt, digest: digest)
    }

    public var stored: String {
        "\(Self.scheme)$\(Hex.encode(salt))$\(Hex.encode(digest))"
    }

    public func matches(pin: some Collection<UInt8>, using digester: some PinDigester) -> Bool {
        ConstantTime.equals(digester.sha256(salt + Array(pin)), digest)
    }
}

/// SHA-256 from a real crypto library (the system OpenSSL in production); the core does no crypto itself.
public protocol PinDigester: Sendable {
    func sha256(_ bytes: [UInt8]) -> [UInt8]
}
