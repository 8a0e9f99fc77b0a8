/// The alphabet every username, client id and session id must use before it is expanded into a topic.
///
/// Mosquitto 2.0 does not apply its own `+`/`#` username check to v5 plugins, so the plugin does:
/// a `/`, `+` or `#` in a name would reach another device's subtree once `%u` is expanded
/// (the class of bug behind CVE-2017-7650). Names are compared as bytes, never as Unicode.
public struct IdentityRules: Sendable, Equatable {
    public static let defaultMaxLength = 64
    public static let maxLengthRange = 1...1024
    public static let alphabetDescription = "A-Z a-z 0-9 _ - . : @"

    public let maxLength: Int

    public init(maxLength: Int = IdentityRules.defaultMaxLength) {
        self.maxLength = maxLength
    }

    public static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "@"):
            return true
        default:
            return false
        }
    }

    /// What is wrong with `name`, or nil when it may be used as an identity.
    public func violation(in name: some Collection<UInt8>) -> IdentityViolation? {
        if name.isEmpty { return .empty }
        if name.count > maxLength { return .tooLong(length: name.count, maxLength: maxLength) }
        var position = 0
        for byte in name {
            if !Self.isAllowed(byte) { return .forbiddenCharacter(position: position) }
            position += 1
        }
        return nil
    }

    public func isValid(_ name: String) -> Bool {
        violation(in: name.utf8) == nil
    }
}

public enum IdentityViolation: Equatable, Sendable, CustomStringConvertible {
    case empty
    case tooLong(length: Int, maxLength: Int)
    case forbiddenCharacter(position: Int)

    public var description: String {
        switch self {
        case .empty:
            return "is empty"
        case .tooLong(let length, let maxLength):
            return "is \(length) bytes long (at most \(maxLength) allowed)"
        case .forbiddenCharacter(let position):
            return "has a character outside \(IdentityRules.alphabetDescription) at byte \(position)"
        }
    }
}
