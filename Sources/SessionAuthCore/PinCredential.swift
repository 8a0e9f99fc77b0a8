/// The password of a pin login: `SESSIONID:PIN`.
public struct PinCredential: Equatable, Sendable {
    public static let maxPinLength = 64

    public let sessionID: [UInt8]
    public let pin: [UInt8]

    /// Splits at the last `:` (pins never contain one; session ids may, as the alphabet allows it).
    /// Returns nil when the password is not of this form at all.
    public init?(password: some Collection<UInt8>) {
        let bytes = Array(password)
        guard let colon = bytes.lastIndex(of: UInt8(ascii: ":")) else { return nil }
        let sessionID = Array(bytes[..<colon])
        let pin = Array(bytes[(colon + 1)...])
        guard !sessionID.isEmpty, !pin.isEmpty, pin.count <= Self.maxPinLength else { return nil }
        self.sessionID = sessionID
        self.pin = pin
    }
}
