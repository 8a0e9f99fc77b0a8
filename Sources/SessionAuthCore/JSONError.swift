/// Why `StrictJSONParser` refused a text. Descriptions name the fault and never quote the input:
/// the text is a token from an unauthenticated client.
public enum JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    case emptyInput
    case invalidUTF8
    case unexpectedEnd
    case expectedValue
    case invalidLiteral
    case expectedMemberName
    case expectedColon
    case expectedCommaOrClose
    case trailingContent
    case controlCharacterInString
    case invalidEscape
    case unpairedSurrogate
    case invalidNumber
    case numberTooLong(limit: Int)
    case numberOutOfRange
    case duplicateMemberName
    case tooDeep(limit: Int)

    public var description: String {
        switch self {
        case .emptyInput: return "no JSON value (empty input)"
        case .invalidUTF8: return "not valid UTF-8"
        case .unexpectedEnd: return "input ends inside a JSON value"
        case .expectedValue: return "expected a JSON value"
        case .invalidLiteral: return "misspelled true, false or null"
        case .expectedMemberName: return "expected a string as object member name"
        case .expectedColon: return "expected ':' after an object member name"
        case .expectedCommaOrClose: return "expected ',' or the end of the array or object"
        case .trailingContent: return "content after the JSON value"
        case .controlCharacterInString: return "unescaped control character in a string"
        case .invalidEscape: return "invalid escape sequence in a string"
        case .unpairedSurrogate: return "\\u escape with an unpaired UTF-16 surrogate"
        case .invalidNumber: return "malformed number"
        case .numberTooLong(let limit): return "number longer than \(limit) characters"
        case .numberOutOfRange: return "number too large for a 64-bit float"
        case .duplicateMemberName: return "duplicate member name in an object"
        case .tooDeep(let limit): return "arrays and objects nested deeper than \(limit) levels"
        }
    }
}
