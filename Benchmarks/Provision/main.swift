import BenchSupport
import Foundation
import SessionAuthCore
import SessionAuthCrypto
import TokenIssuing

// Provisions the devices of `make bench`'s comparison (Benchmarks/compare.py): device i is `dev<i>` in
// session `s<i>`. The store comes from BenchStore; tokens are signed by TokenIssuing, the code sessionctl
// uses, one per device, so that the only difference between the variants is how the broker checks them.

let usage = """
    usage: bench-provision store PATH COUNT PIN
           bench-provision tokens ALG DIR COUNT
      store:  COUNT open telemetry sessions s0 … s<COUNT-1> sharing PIN, in one transaction.
      tokens: a new ALG key; DIR/jwks.json (its public half), DIR/tokens.tsv and DIR/bad-tokens.tsv
              (lines `dev<i> TAB dev<i> TAB token` for i < COUNT; the bad ones carry a broken signature).
    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("bench-provision: \(message)\n".utf8))
    exit(2)
}

/// The same token with one signature character changed: still well-formed, so the plugin gets as far as
/// the signature check (a flood of these costs the broker a verify each).
func breakingSignature(of token: String) -> String {
    guard let dot = token.lastIndex(of: ".") else { return token }
    let first = token.index(after: dot)
    let replacement: Character = token[first] == "A" ? "B" : "A"
    return String(token[..<first]) + String(replacement) + String(token[token.index(after: first)...])
}

func provisionTokens(algorithm: JWSAlgorithm, directory: String, count: Int) throws {
    let key = try SigningKey.generate(algorithm, keyID: "bench-\(algorithm.rawValue.lowercased())")
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let jwks = CompactJSON.object([("keys", .array([key.publicJWK]))])
    try Data(jwks.bytes).write(to: URL(fileURLWithPath: "\(directory)/jwks.json"))
    let now = Int64(Date().timeIntervalSince1970)
    var valid = ""
    var broken = ""
    for index in 0..<count {
        let token = try TokenIssuer.issue(
            TokenRequest(
                subject: "dev\(index)", sessionID: "s\(index)", role: "device", issuedAt: now - 60,
                expiresAt: now + 86_400, tokenID: try TokenIssuer.newTokenID()), with: key)
        valid += "dev\(index)\tdev\(index)\t\(token)\n"
        broken += "dev\(index)\tdev\(index)\t\(breakingSignature(of: token))\n"
    }
    try Data(valid.utf8).write(to: URL(fileURLWithPath: "\(directory)/tokens.tsv"))
    try Data(broken.utf8).write(to: URL(fileURLWithPath: "\(directory)/bad-tokens.tsv"))
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "store":
        guard arguments.count == 4, let count = Int(arguments[2]), count > 0 else { fail(usage) }
        try BenchStore.fill(at: arguments[1], count: count, pin: arguments[3])
    case "tokens":
        guard arguments.count == 4, let algorithm = JWSAlgorithm(rawValue: arguments[1]),
            let count = Int(arguments[3]), count > 0
        else { fail(usage) }
        try provisionTokens(algorithm: algorithm, directory: arguments[2], count: count)
    default:
        fail(usage)
    }
} catch {
    fail("\(error)")
}
