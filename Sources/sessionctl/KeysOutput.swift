import Foundation
import TokenIssuing

/// A key as `--json` prints it: `kid`, `alg`, `created_at` (Unix seconds), `active`, `published` and
/// the `jwks_path` it is published in.
struct KeyJSON: Encodable {
    let kid: String
    let alg: String
    let createdAt: Int64
    let active: Bool
    let published: Bool
    let jwksPath: String

    enum CodingKeys: String, CodingKey {
        case kid, alg, active, published
        case createdAt = "created_at"
        case jwksPath = "jwks_path"
    }

    init(_ record: KeyRecord, jwksPath: String) {
        kid = record.keyID
        alg = record.algorithm.rawValue
        createdAt = record.createdAt
        active = record.isActive
        published = record.isPublished
        self.jwksPath = jwksPath
    }
}

enum KeysOutput {
    static func table(_ records: [KeyRecord]) {
        Output.table(
            ["KID", "ALG", "CREATED", "ACTIVE", "PUBLISHED"],
            records.map {
                [
                    $0.keyID, $0.algorithm.rawValue, Output.time($0.createdAt), $0.isActive ? "yes" : "no",
                    $0.isPublished ? "yes" : "retired \(Output.time($0.retiredAt))",
                ]
            })
    }

    /// Warnings go to stderr in both modes, so `--json` output stays one JSON document.
    static func warn(_ warning: String?) {
        guard let warning else { return }
        FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
    }
}

extension KeyRingError {
    /// The one line ArgumentParser prints before exiting with status 1.
    var cliError: CLIError { CLIError(description) }
}
