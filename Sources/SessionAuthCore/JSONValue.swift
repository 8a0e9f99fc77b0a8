/// A parsed JSON value (RFC 8259), as `StrictJSONParser` produces it.
///
/// Integers that fit `Int64` are kept exact, apart from other numbers, so a time claim such as
/// `exp` never passes through a `Double`. Objects keep their members in document order.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// The value of the member named `key` when this is an object, else nil.
    ///
    /// Names are compared as UTF-8 bytes: Swift's `==` on strings is Unicode canonical equivalence,
    /// under which "\u{212A}" (Kelvin sign) equals "K", and a header or claim name must mean one exact name.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        // By index: iterating the tuples would copy (retain and release) every name and value passed over.
        for index in members.indices where members[index].0.hasSameBytes(as: key) {
            return members[index].1
        }
        return nil
    }

    /// Structural equality; strings and member names compare as bytes (see `subscript(key:)`), and
    /// member order matters, as it does in the document.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.integer(let a), .integer(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a.hasSameBytes(as: b)
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (x, y) in zip(a, b) where !x.0.hasSameBytes(as: y.0) || x.1 != y.1 {
                return false
            }
            return true
        default: return false
        }
    }
}
