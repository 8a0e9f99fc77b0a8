/// Why a token was refused. Each description is one clause for the broker's log: it never contains
/// the token, and shows a header or claim value only when `TokenError.shown(_:)` finds it short,
/// printable ASCII (anything else could be a secret pasted into the wrong field, or a terminal escape).
public enum TokenError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The three parts of a compact JWS, named in errors about one of them.
    public enum Part: String, Sendable {
        case header, payload, signature
    }

    // The compact serialization (RFC 7515 §7.1).
    case tooLong(limit: Int)
    case wrongSegmentCount(Int)
    case emptySegment(Part)
    case invalidBase64(Part)

    // The protected header (RFC 7515 §4).
    case headerNotJSON(JSONError)
    case headerNotObject
    case missingAlgorithm
    case unsupportedAlgorithm(String)
    case headerMemberNotString(String)
    case keyIDTooLong(limit: Int)
    case refusedHeaderMember(String)

    // Key selection and signature (TokenVerifier, RFC 7515 §5.2 steps 7-8).
    case algorithmNotAllowed(JWSAlgorithm)
    case unknownKeyID(String)
    case ambiguousKeyID(String)
    case keyRefusesAlgorithm(keyID: String, JWSAlgorithm)
    case noKeyForAlgorithm(JWSAlgorithm)
    case tooManyCandidateKeys(JWSAlgorithm, count: Int, limit: Int)
    case badSignature

    // The claims (RFC 7519 §4.1).
    case payloadNotJSON(JSONError)
    case payloadNotObject
    case missingExpiry
    case claimWrongType(String)
    case claimOutOfRange(String)

    // ClaimsPolicy.
    case expired(expiresAt: Int64)
    case notYetValid(notBefore: Int64)
    case issuedInFuture(issuedAt: Int64)
    case issuerMismatch(String?)
    case audienceMismatch

    public var description: String {
        switch self {
        case .tooLong(let limit): return "token is longer than \(limit) bytes"
        case .wrongSegmentCount(5): return "token has 5 segments, not 3 (an encrypted JWE is not accepted)"
        case .wrongSegmentCount(let count): return "token has \(count) segment(s), not 3 separated by '.'"
        case .emptySegment(let part): return "token \(part.rawValue) segment is empty"
        case .invalidBase64(let part): return "token \(part.rawValue) is not canonical unpadded base64url"
        case .headerNotJSON(let error): return "token header is not strict JSON: \(error)"
        case .headerNotObject: return "token header is not a JSON object"
        case .missingAlgorithm: return "token header has no alg"
        case .unsupportedAlgorithm(let alg): return "token algorithm \(Self.shown(alg)) is not allowed"
        case .headerMemberNotString(let name): return "token header '\(name)' is not a string"
        case .keyIDTooLong(let limit): return "token kid is longer than \(limit) bytes"
        case .refusedHeaderMember("crit"):
            return "token header has 'crit': no critical extension is understood, so it is refused"
        case .refusedHeaderMember(let name):
            return "token header has '\(name)': keys, key URLs and payload encodings named in a token are refused"
        case .algorithmNotAllowed(let alg): return "token algorithm \(alg.rawValue) is not in the configured allow-list"
        case .unknownKeyID(let kid): return "token kid \(Self.shown(kid)) matches no configured key"
        case .ambiguousKeyID(let kid):
            return "token kid \(Self.shown(kid)) matches more than one configured key (kids must be unique)"
        case .keyRefusesAlgorithm(let kid, let alg):
            return "token kid \(Self.shown(kid)) names a key that does not verify \(alg.rawValue)"
        case .noKeyForAlgorithm(let alg): return "token has no kid and no configured key verifies \(alg.rawValue)"
        case .tooManyCandidateKeys(let alg, let count, let limit):
            return "token has no kid and \(count) configured keys could verify \(alg.rawValue), more than the \(limit) "
                + "tried; give the keys kids"
        case .badSignature: return "token signature does not verify"
        case .payloadNotJSON(let error): return "token payload is not strict JSON: \(error)"
        case .payloadNotObject: return "token payload is not a JSON object"
        case .missingExpiry: return "token has no exp claim"
        case .claimWrongType(let name): return "token claim '\(name)' is not \(Self.expectedType(ofClaim: name))"
        case .claimOutOfRange(let name): return "token claim '\(name)' is not a time within ±2^53 seconds"
        case .expired(let exp): return "token expired (exp \(exp))"
        case .notYetValid(let nbf): return "token is not valid yet (nbf \(nbf))"
        case .issuedInFuture(let iat): return "token is issued in the future (iat \(iat))"
        case .issuerMismatch(nil): return "token has no iss claim, and an issuer is required"
        case .issuerMismatch(let iss?): return "token issuer \(Self.shown(iss)) is not the configured issuer"
        case .audienceMismatch: return "token audience does not include the configured audience"
        }
    }

    /// A value from the token quoted for a log line, or only its length when it is long or not printable ASCII.
    static func shown(_ value: String) -> String {
        let bytes = value.utf8
        if bytes.count <= 32, bytes.allSatisfy({ (0x20...0x7e).contains($0) && $0 != UInt8(ascii: "'") }) {
            return "'\(value)'"
        }
        return "(a \(bytes.count)-byte value, not shown)"
    }

    private static func expectedType(ofClaim name: String) -> String {
        switch name {
        case "exp", "iat", "nbf": return "a number"
        case "aud": return "a string or an array of strings"
        case "publ", "subs": return "an array of strings"
        default: return "a string"
        }
    }
}
