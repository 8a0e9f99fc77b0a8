/// Parses a time-to-live: whole seconds (`3600`) or a number with one suffix (`90s`, `15m`, `24h`, `7d`).
public enum DurationParser {
    /// Ten years: anything longer is almost certainly a typo, and it keeps every sum far from overflow.
    public static let maxSeconds: Int64 = 10 * 365 * 86_400

    public static func seconds(_ text: String) -> Int64? {
        var digits = Array(text.utf8)
        var unit: Int64 = 1
        if let last = digits.last, !isDigit(last) {
            switch last {
            case UInt8(ascii: "s"): unit = 1
            case UInt8(ascii: "m"): unit = 60
            case UInt8(ascii: "h"): unit = 3_600
            case UInt8(ascii: "d"): unit = 86_400
            default: return nil
            }
            digits.removeLast()
        }
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy(isDigit) else { return nil }
        var value: Int64 = 0
        for digit in digits { value = value * 10 + Int64(digit - UInt8(ascii: "0")) }
        let (total, overflow) = value.multipliedReportingOverflow(by: unit)
        guard !overflow, total > 0, total <= maxSeconds else { return nil }
        return total
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
