import ArgumentParser
import Foundation
import SessionAuthCore

/// Reads the `--alg` / `--key-alg` values of the key commands.
enum SigningAlgorithmOption {
    static let defaultAlgorithm = JWSAlgorithm.es256
    static let names = JWSAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")

    /// The JWS name, case-insensitively for typing convenience ("es256", "eddsa"): the token header
    /// always carries the exact name, so nothing downstream sees the spelling given here.
    static func parse(_ text: String) -> JWSAlgorithm? {
        JWSAlgorithm.allCases.first { $0.rawValue.lowercased() == text.lowercased() }
    }

    /// One line on stderr and exit status 64 (EX_USAGE), without the usage text ArgumentParser adds
    /// to a `ValidationError`: the list of algorithms is the help that matters here.
    static func unknown(_ text: String, option: String) -> ExitCode {
        FileHandle.standardError.write(
            Data("Error: unknown \(option) '\(text)': use one of \(names)\n".utf8))
        return ExitCode.validationFailure
    }
}
