extension String {
    /// Byte-for-byte equality of the UTF-8 forms. Names from tokens, keys and JSON are compared as they
    /// were written, never with the Unicode canonical equivalence `==` applies. Through spans, because
    /// `utf8.elementsEqual` walks the view generically (measured: the largest single cost of a token
    /// CONNECT's JSON member lookups).
    public func hasSameBytes(as other: String) -> Bool {
        let mine = utf8
        let theirs = other.utf8
        guard mine.count == theirs.count else { return false }
        let a = mine.span
        let b = theirs.span
        for index in a.indices where a[index] != b[index] { return false }
        return true
    }
}
