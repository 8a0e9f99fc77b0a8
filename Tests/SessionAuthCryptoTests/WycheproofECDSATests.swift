import Foundation
import SessionAuthCore
import SessionAuthCrypto
import Testing

/// Project Wycheproof ECDSA P-256 / SHA-256 vectors with IEEE P1363 (raw r||s) signatures, the JWS
/// ES256 format. Source: C2SP/wycheproof, testvectors_v1/ecdsa_secp256r1_sha256_p1363_test.json at
/// commit b2b6f3a9b14e9b6f52f6864a224acac52e498771 (Apache-2.0). The subset in
/// Vectors/wycheproof-ecdsa-secp256r1-sha256-p1363.json holds all 83 'invalid' tests (the file has no
/// 'acceptable' ones) and 36 'valid' ones, tcIds kept.
@Suite struct WycheproofECDSATests {
    struct File: Decodable {
        struct Group: Decodable {
            let key: String
            let tests: [Vector]
        }
        let groups: [Group]
    }

    struct Vector: Decodable, CustomTestStringConvertible {
        let tcId: Int
        let msg: String
        let sig: String
        let result: String
        var key = ""
        var testDescription: String { "tcId \(tcId) (\(result))" }

        enum CodingKeys: String, CodingKey { case tcId, msg, sig, result }
    }

    static let vectors: [Vector] = {
        do {
            let file = try JSONDecoder().decode(
                File.self, from: JWSVectors.vectorFile("wycheproof-ecdsa-secp256r1-sha256-p1363"))
            return file.groups.flatMap { group in
                group.tests.map { test in
                    var vector = test
                    vector.key = group.key
                    return vector
                }
            }
        } catch {
            fatalError("Vectors/wycheproof-ecdsa-secp256r1-sha256-p1363.json: \(error)")
        }
    }()

    @Test func subsetHasTheExpectedCounts() {
        #expect(Self.vectors.filter { $0.result == "invalid" }.count == 83)
        #expect(Self.vectors.filter { $0.result == "valid" }.count == 36)
    }

    @Test(arguments: vectors)
    func es256MatchesWycheproof(_ vector: Vector) throws {
        let point = Bytes.hex(vector.key)
        try #require(point.count == 65 && point[0] == 0x04)
        let key = try VerificationKey.ec(
            curve: .ecP256, x: Array(point[1...32]), y: Array(point[33...64]), keyID: "wycheproof")
        let result = SignatureVerifier.verify(
            .es256, key: key, signingInput: Bytes.hex(vector.msg), signature: Bytes.hex(vector.sig))
        switch vector.result {
        case "valid": #expect(result)
        case "invalid": #expect(!result)
        default: break  // 'acceptable' may go either way (none in this subset)
        }
    }
}
