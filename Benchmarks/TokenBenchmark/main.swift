import Foundation
import SessionAuthCore
import SessionAuthCrypto
import TokenIssuing

// `make bench`: what verifying one token costs the broker at CONNECT, per algorithm, next to the raw
// signature-verify rate `openssl speed` measures for the same key type on the same machine in the same
// run. The difference is the plugin's own work: size cap, base64url, strict JSON of header and claims,
// key lookup and the claim checks. Keys are what sessionctl generates (RSA 3072 bits).

let clock = ContinuousClock()
let now = Int64(Date().timeIntervalSince1970)

struct Row {
    let algorithm: JWSAlgorithm
    let microseconds: Double
    let opensslName: String?
    let opensslVerifiesPerSecond: Double?
}

/// Microseconds per `TokenVerifier.verify`, best of 5 rounds.
func verifyCost(_ algorithm: JWSAlgorithm) throws -> Double {
    let key = try SigningKey.generate(algorithm, keyID: "bench-\(algorithm.rawValue.lowercased())")
    let jwks = CompactJSON.object([("keys", .array([key.publicJWK]))])
    guard case .success(let keys) = JWKSet.keys(fromJSON: jwks.bytes), let claims = ClaimsPolicy(leeway: 0) else {
        fatalError("the generated key did not load back")
    }
    let verifier = TokenVerifier(keys: keys, allowedAlgorithms: Set(JWSAlgorithm.allCases), claims: claims)
    let token = Array(
        try TokenIssuer.issue(
            TokenRequest(
                subject: "sensor1", sessionID: "k3x9m2ab", role: "device", issuedAt: now, expiresAt: now + 3_600,
                tokenID: try TokenIssuer.newTokenID()), with: key
        ).utf8)
    guard case .success = verifier.verify(token, now: now) else { fatalError("\(algorithm) token did not verify") }
    // Enough iterations for about 0.2 s per round at the algorithm's speed.
    let probe = clock.measure { _ = verifier.verify(token, now: now) }
    let iterations = max(50, Int(0.2 / max(seconds(probe), 1e-7)))
    var best = Double.infinity
    for _ in 0..<5 {
        var accepted = 0
        let elapsed = clock.measure {
            for _ in 0..<iterations { if case .success = verifier.verify(token, now: now) { accepted += 1 } }
        }
        precondition(accepted == iterations)
        best = min(best, seconds(elapsed) * 1e6 / Double(iterations))
    }
    return best
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// `openssl speed`'s verify/s for the key types of the JWS algorithms (HMAC has no such figure).
func opensslVerifyRates() -> [String: Double] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    process.arguments = ["speed", "-seconds", "2", "ecdsap256", "ecdsap384", "ed25519", "rsa3072"]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return [:] }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    var rates: [String: Double] = [:]
    for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard let verify = fields.last.flatMap({ Double($0) }) else { continue }
        if line.contains("nistp256") { rates["ecdsa P-256"] = verify }
        if line.contains("nistp384") { rates["ecdsa P-384"] = verify }
        if line.contains("Ed25519") { rates["Ed25519"] = verify }
        if line.hasPrefix("rsa 3072") || line.contains("rsa 3072 bits") { rates["rsa 3072"] = verify }
    }
    return rates
}

let opensslNames: [JWSAlgorithm: String] = [
    .es256: "ecdsa P-256", .es384: "ecdsa P-384", .edDSA: "Ed25519", .rs256: "rsa 3072", .ps256: "rsa 3072",
]
let algorithms: [JWSAlgorithm] = [.es256, .es384, .edDSA, .rs256, .ps256, .hs256]
var costs: [JWSAlgorithm: Double] = [:]
for algorithm in algorithms { costs[algorithm] = try verifyCost(algorithm) }
let rates = opensslVerifyRates()

print("token verification (TokenVerifier.verify: parse, key lookup, signature, claims), best of 5:")
print("alg     us/token  tokens/s   openssl speed verify/s   ratio plugin/openssl")
for algorithm in algorithms {
    let cost = costs[algorithm] ?? .nan
    let name = opensslNames[algorithm]
    let rate = name.flatMap { rates[$0] }
    let ratio = rate.map { (1e6 / cost) / $0 }
    print(
        algorithm.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
            + String(format: "%8.1f  %8.0f   ", cost, 1e6 / cost)
            + (rate.map { String(format: "%8.0f (%@)", $0, name ?? "") } ?? "   n/a (HMAC)          ")
            .padding(toLength: 25, withPad: " ", startingAt: 0)
            + (ratio.map { String(format: "%.2f", $0) } ?? "-"))
}
