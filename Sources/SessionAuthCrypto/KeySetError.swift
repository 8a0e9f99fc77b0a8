import SessionAuthCore

/// Why a key file (a JWKS or PEM public keys) was refused. Each case prints as one line for the plugin's
/// init error, naming the entry (`keys[2]`, with its kid when it has one) and what is wrong with it.
/// Entry indices are 0-based, as in the JSON array; PEM blocks are counted from 1, as a reader would.
public enum KeySetError: Error, Equatable, Sendable, CustomStringConvertible {
    // The JWKS document (RFC 7517 §5).
    case notJSON(JSONError)
    case notAnObject
    case missingKeysArray
    case emptySet

    // One entry of "keys" (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2).
    case entryNotObject(index: Int)
    case memberNotString(index: Int, keyID: String?, member: String)
    case missingMember(index: Int, keyID: String?, member: String)
    case emptyKeyID(index: Int)
    case keyIDTooLong(index: Int, limit: Int)
    case duplicateKeyID(index: Int, keyID: String, firstIndex: Int)
    case unsupportedKeyType(index: Int, keyID: String?, keyType: String)
    case unsupportedCurve(index: Int, keyID: String?, keyType: String, curve: String)
    case invalidBase64(index: Int, keyID: String?, member: String)
    case privateMember(index: Int, keyID: String?, member: String)
    case unsupportedUse(index: Int, keyID: String?, use: String)
    case unsupportedAlgorithm(index: Int, keyID: String?, algorithm: String)
    case algorithmDoesNotFitKey(index: Int, keyID: String?, algorithm: String, keyType: String)
    case secretTooShortForAlgorithm(index: Int, keyID: String?, algorithm: String, bytes: Int)
    case invalidKey(index: Int, keyID: String?, KeyError)

    // A PEM key file.
    case noKeys
    case invalidPEMBlock(number: Int, KeyError)

    public var description: String {
        switch self {
        case .notJSON(let error): return "JWKS is not strict JSON: \(error)"
        case .notAnObject: return "JWKS is not a JSON object"
        case .missingKeysArray: return "JWKS has no \"keys\" array (RFC 7517 §5)"
        case .emptySet: return "JWKS \"keys\" is empty: at least one key is required"
        case .entryNotObject(let index): return "JWKS keys[\(index)] is not a JSON object"
        case .memberNotString(let index, let kid, let member):
            return "\(Self.entry(index, kid)): \"\(member)\" is not a string"
        case .missingMember(let index, let kid, let member):
            return "\(Self.entry(index, kid)): required member \"\(member)\" is missing"
        case .emptyKeyID(let index): return "JWKS keys[\(index)]: \"kid\" is empty"
        case .keyIDTooLong(let index, let limit): return "JWKS keys[\(index)]: \"kid\" is longer than \(limit) bytes"
        case .duplicateKeyID(let index, let kid, let first):
            return "\(Self.entry(index, kid)): the same kid as keys[\(first)]; kids must be unique"
        case .unsupportedKeyType(let index, let kid, let kty):
            return "\(Self.entry(index, kid)): kty \(Self.shown(kty)) is not supported (RSA, EC, OKP or oct)"
        case .unsupportedCurve(let index, let kid, let kty, let crv):
            let supported = kty.utf8.elementsEqual("OKP".utf8) ? "Ed25519" : "P-256 or P-384"
            return "\(Self.entry(index, kid)): crv \(Self.shown(crv)) is not supported for kty \(kty) (\(supported))"
        case .invalidBase64(let index, let kid, let member):
            return "\(Self.entry(index, kid)): \"\(member)\" is not canonical unpadded base64url"
        case .privateMember(let index, let kid, let member):
            return "\(Self.entry(index, kid)): holds the private member \"\(member)\"; "
                + "publish the public key only (a private key in a JWKS is refused)"
        case .unsupportedUse(let index, let kid, let use):
            return "\(Self.entry(index, kid)): use \(Self.shown(use)) is refused; a verification key has use \"sig\""
        case .unsupportedAlgorithm(let index, let kid, let alg):
            return "\(Self.entry(index, kid)): alg \(Self.shown(alg)) is not a supported JWS algorithm"
        case .algorithmDoesNotFitKey(let index, let kid, let alg, let kty):
            return "\(Self.entry(index, kid)): alg \(alg) cannot be verified with this kty \(kty) key"
        case .secretTooShortForAlgorithm(let index, let kid, let alg, let bytes):
            return "\(Self.entry(index, kid)): alg \(alg) needs a longer secret than \(bytes) bytes (RFC 7518 §3.2)"
        case .invalidKey(let index, let kid, let error):
            return "\(Self.entry(index, kid)): \(error)"
        case .noKeys:
            return "the key file holds neither a JWKS (a JSON object) nor a -----BEGIN PUBLIC KEY----- block"
        case .invalidPEMBlock(let number, let error):
            return "PEM block \(number) of the key file: \(error)"
        }
    }

    private static func entry(_ index: Int, _ keyID: String?) -> String {
        guard let keyID else { return "JWKS keys[\(index)]" }
        return "JWKS keys[\(index)] (kid \(shown(keyID)))"
    }

    /// A value from the file quoted for a log line, or only its length when it is long or not printable
    /// ASCII (a secret pasted into the wrong member, or a terminal escape, must not reach the log).
    static func shown(_ value: String) -> String {
        let bytes = value.utf8
        if bytes.count <= 64, bytes.allSatisfy({ (0x20...0x7e).contains($0) && $0 != UInt8(ascii: "'") }) {
            return "'\(value)'"
        }
        return "(a \(bytes.count)-byte value, not shown)"
    }
}
