import Foundation
import SessionAuthCore
import SessionAuthCrypto
import Testing

/// The JSON vectors in `Vectors/`: `jws-vectors.json` from scripts/make-jws-test-vectors.py (keys by
/// `cryptography`, tokens by joserfc) and a Wycheproof subset (see WycheproofECDSATests).
struct JWSVectors: Decodable {
    struct Key: Decodable {
        let family: String
        let pem: String?
        let pkcs1Pem: String?
        let jwk: [String: String]?
        let secret: String?
    }

    struct Token: Decodable, CustomTestStringConvertible {
        let alg: String
        let key: String
        let token: String
        var testDescription: String { "\(alg) with \(key)" }
    }

    struct Case: Decodable, CustomTestStringConvertible {
        let name: String
        let alg: String
        let key: String
        let signingInput: String
        let signature: String
        let valid: Bool
        var testDescription: String { name }
    }

    let keys: [String: Key]
    let tokens: [Token]
    let cases: [Case]
    let refusedPEM: [String: String]

    static let shared: JWSVectors = {
        do {
            return try JSONDecoder().decode(JWSVectors.self, from: vectorFile("jws-vectors"))
        } catch {
            fatalError("Vectors/jws-vectors.json: \(error)")  // test fixture only; never in Sources
        }
    }()

    static func vectorFile(_ name: String) throws -> Data {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Data(contentsOf: url)
    }

    /// The key as the plugin would load it from a PEM file (HMAC keys have no PEM: from the secret).
    func pemKey(_ name: String) throws -> VerificationKey {
        guard let key = keys[name] else { throw VectorError.missing(name) }
        if let secret = key.secret { return try VerificationKey.hmac(secret: Bytes.base64URL(secret), keyID: name) }
        guard let pem = key.pem else { throw VectorError.missing("\(name).pem") }
        return try VerificationKey(pem: Array(pem.utf8), keyID: name)
    }

    /// The key as a JWKS entry decodes to it.
    func jwkKey(_ name: String) throws -> VerificationKey {
        guard let key = keys[name] else { throw VectorError.missing(name) }
        if let secret = key.secret { return try VerificationKey.hmac(secret: Bytes.base64URL(secret), keyID: name) }
        guard let jwk = key.jwk else { throw VectorError.missing("\(name).jwk") }
        func field(_ name: String) throws -> [UInt8] {
            guard let value = jwk[name] else { throw VectorError.missing("jwk.\(name)") }
            return Bytes.base64URL(value)
        }
        switch jwk["kty"] {
        case "RSA":
            return try VerificationKey.rsa(modulus: field("n"), exponent: field("e"), keyID: name)
        case "EC":
            let curve: JWSAlgorithm.KeyFamily = jwk["crv"] == "P-384" ? .ecP384 : .ecP256
            return try VerificationKey.ec(curve: curve, x: field("x"), y: field("y"), keyID: name)
        case "OKP":
            return try VerificationKey.ed25519(publicKey: field("x"), keyID: name)
        default:
            throw VectorError.missing("supported kty")
        }
    }
}

enum VectorError: Error {
    case missing(String)
}

enum Bytes {
    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }

    static func base64URL(_ text: String) -> [UInt8] {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard).map { Array($0) } ?? []
    }

    /// A compact JWS split into its signing input and decoded signature.
    static func compact(_ token: String) -> (signingInput: [UInt8], signature: [UInt8]) {
        guard let dot = token.lastIndex(of: ".") else { return ([], []) }
        return (Array(token[..<dot].utf8), base64URL(String(token[token.index(after: dot)...])))
    }
}
