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
    /// Runs at every pin CONNECT, so it reads one byte array by position (the form has a fixed length)
    /// rather than splitting the string.
    public init?(stored: String) {
        let bytes = Array(stored.utf8)
        let saltStart = Self.storedPrefix.count
        let separator = saltStart + Self.saltLength * 2
        guard bytes.count == separator + 1 + Self.digestLength * 2, bytes.starts(with: Self.storedPrefix),
            bytes[separator] == UInt8(ascii: "$"),
            let salt = Hex.decode(bytes[saltStart..<separator]), let digest = Hex.decode(bytes[(separator + 1)...])
        else { return nil }
        self.init(salt: salt, digest: digest)
    }

    private static let storedPrefix = Array("\(scheme)$".utf8)

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
