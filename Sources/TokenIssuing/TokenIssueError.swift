/// Why a token was not issued. Each prints as one line naming the claim or key at fault.
public enum TokenIssueError: Error, Equatable, Sendable, CustomStringConvertible {
    case emptyClaim(String)
    case expiryNotAfterIssue(issuedAt: Int64, expiresAt: Int64)
    case notBeforeAfterExpiry(notBefore: Int64, expiresAt: Int64)
    case invalidTopicFilter(claim: String, filter: String)
    case tooLong(length: Int, limit: Int)
    case signingFailed(keyID: String, SigningKeyError)
    case randomUnavailable

    public var description: String {
        switch self {
        case .emptyClaim(let name):
            return "the \(name) claim is empty; give it a value"
        case .expiryNotAfterIssue(let issuedAt, let expiresAt):
            return "exp (\(expiresAt)) is not after iat (\(issuedAt)): give a positive lifetime"
        case .notBeforeAfterExpiry(let notBefore, let expiresAt):
            return "nbf (\(notBefore)) is not before exp (\(expiresAt)): the token would never be valid"
        case .invalidTopicFilter(let claim, let filter):
            return "\(claim) entry '\(filter)' is not a valid MQTT topic filter"
        case .tooLong(let length, let limit):
            return "the token would be \(length) bytes, over the plugin's limit of \(limit); shorten publ/subs"
        case .signingFailed(let keyID, let error):
            return "signing key \(keyID): \(error)"
        case .randomUnavailable:
            return "OpenSSL's random generator failed, so no token id can be made; check the system's entropy source"
        }
    }
}
