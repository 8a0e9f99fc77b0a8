extension String {
    /// Byte-for-byte equality of the UTF-8 forms. Names from tokens, keys and JSON are compared as they
    /// were written, never with the Unicode canonical equivalence `==` applies. Through spans, because
    /// `utf8.elementsEqual` walks the view generically (measured: the largest single cost of a token
    /// CONNECT's JSON member lookups).
    public func hasSameBytes(as other: String) -> Bool {
        hasSameBytes(as: other.utf8.span)
    }

    /// The same comparison with bytes that are not (yet) a String, such as a name the JSON reader holds.
    public func hasSameBytes(as bytes: Span<UInt8>) -> Bool {
        let mine = utf8
        guard mine.count == bytes.count else { return false }
        let a = mine.span
        for index in a.indices where a[index] != bytes[index] { return false }
        return true
    }
}
