/// Why a keys-directory operation failed. Each prints as one line naming the file or kid and what to do.
public enum KeyRingError: Error, Equatable, Sendable, CustomStringConvertible {
    case fileSystem(operation: String, path: String, reason: String)
    case notADirectory(String)
    case notARegularFile(String)
    case fileTooLarge(path: String, limit: Int)
    case privateDirectoryTooOpen(path: String, mode: UInt32)
    case noKeys(directory: String)
    case noSigningKey(directory: String)
    case manifestCorrupt(path: String, reason: String)
    case manifestTooNew(path: String, format: Int64)
    case unknownKeyID(String, directory: String)
    case alreadyRetired(String)
    case onlyPublishedKey(String)
    case keyFileMissing(path: String, keyID: String)
    case keyFile(path: String, keyID: String, SigningKeyError)
    case keyDoesNotMatch(path: String, keyID: String)
    case keyGeneration(SigningKeyError)
    case randomUnavailable

    public var description: String {
        switch self {
        case .fileSystem(let operation, let path, let reason):
            return "cannot \(operation) \(path): \(reason)"
        case .notADirectory(let path):
            return "\(path) exists but is not a directory; choose another keys directory (--keys DIR)"
        case .notARegularFile(let path):
            return
                "\(path) is not a regular file (a link, folder or device); remove it or choose another keys directory"
        case .fileTooLarge(let path, let limit):
            return "\(path) is larger than \(limit) bytes; it is not a file sessionctl wrote"
        case .privateDirectoryTooOpen(let path, let mode):
            return "\(path) is mode \(Self.octal(mode)), but it holds private keys: make it 0700 (chmod 700 \(path))"
        case .noKeys(let directory):
            return "no keys in \(directory): run `sessionctl keys generate` (or `sessionctl init`)"
        case .noSigningKey(let directory):
            return "no signing key: run `sessionctl keys generate` (keys directory \(directory))"
        case .manifestCorrupt(let path, let reason):
            return "keys manifest \(path) is damaged (\(reason)); restore it from a backup"
        case .manifestTooNew(let path, let format):
            return
                "keys manifest \(path) has format \(format), newer than this sessionctl reads; use a newer sessionctl"
        case .unknownKeyID(let keyID, let directory):
            return "no key '\(keyID)' in \(directory); `sessionctl keys list` shows the kids"
        case .alreadyRetired(let keyID):
            return "key \(keyID) is already retired"
        case .onlyPublishedKey(let keyID):
            return "key \(keyID) is the active signing key and no other key is published; "
                + "run `sessionctl keys rotate` first, then retire it"
        case .keyFileMissing(let path, let keyID):
            return "the private key file \(path) of the signing key \(keyID) is missing; "
                + "restore it from a backup, or make a new signing key (sessionctl keys rotate)"
        case .keyFile(let path, let keyID, let error):
            return "private key file \(path) of the signing key \(keyID): \(error); "
                + "restore it from a backup, or make a new signing key (sessionctl keys rotate)"
        case .keyDoesNotMatch(let path, let keyID):
            return "private key file \(path) does not hold the key published as \(keyID); "
                + "restore it from a backup, or make a new signing key (sessionctl keys rotate)"
        case .keyGeneration(let error):
            return "\(error)"
        case .randomUnavailable:
            return "OpenSSL's random generator failed; no key id was made (is /dev/urandom readable?)"
        }
    }

    static func octal(_ mode: UInt32) -> String {
        let digits = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
