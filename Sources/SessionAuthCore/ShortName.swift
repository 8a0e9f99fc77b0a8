/// A JSON member name of at most four bytes as one integer — its bytes, with its length above them —
/// so the header and claim readers find the names they know with integer comparisons. Two names have
/// the same key only when they have the same bytes: a name differing in any byte or in length never
/// matches (the length tells "exp" from "exp\u0000").
enum ShortName {
    /// nil for a name longer than four bytes, which no header or claim name this plugin reads is.
    static func key(_ bytes: Span<UInt8>) -> UInt64? {
        guard bytes.count <= 4 else { return nil }
        var key = UInt64(bytes.count) << 32
        for index in bytes.indices { key |= UInt64(bytes[index]) << (8 * UInt64(3 - index)) }
        return key
    }

    /// The key of a name written in the source (at most four bytes).
    static func key(_ name: StaticString) -> UInt64 {
        name.withUTF8Buffer { key($0.span) } ?? .max
    }
}
