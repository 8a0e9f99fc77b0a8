/// The password of a pin login: `SESSIONID:PIN`.
public struct PinCredential: Equatable, Sendable {
    public static let maxPinLength = 64

    public let sessionID: [UInt8]
    public let pin: [UInt8]

    /// Splits at the last `:` (pins never contain one; session ids may, as the alphabet allows it).
    /// Returns nil when the password is not of this form at all.
    public init?(password: some Collection<UInt8>) {
        let bytes = Array(password)
        // Backwards through a span: every token password is scanned here before it is routed as a token.
        let span = bytes.span
        var position = span.count
        while position > 0, span[position &- 1] != UInt8(ascii: ":") { position &-= 1 }
        guard position > 0 else { return nil }
        let colon = position - 1
        let sessionID = Array(bytes[..<colon])
        let pin = Array(bytes[(colon + 1)...])
        guard !sessionID.isEmpty, !pin.isEmpty, pin.count <= Self.maxPinLength else { return nil }
        self.sessionID = sessionID
        self.pin = pin
    }
}
