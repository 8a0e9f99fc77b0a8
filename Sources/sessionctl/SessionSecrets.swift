import SessionAuthCore
import SessionAuthCrypto

/// Random session ids and pins. `SystemRandomNumberGenerator` reads the kernel's CSPRNG (getrandom).
enum SessionSecrets {
    /// No look-alikes (0/o, 1/l/i), lower case: ids are read aloud and typed on small keyboards.
    static let idAlphabet = Array("23456789abcdefghjkmnpqrstuvwxyz")
    static let idLength = 8
    static let pinLength = 6

    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<idLength).map { _ in idAlphabet.randomElement(using: &generator)! })
    }

    static func newPin() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<pinLength).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
    }

    static func hash(pin: String) throws -> PinHash {
        guard let salt = SecureRandom.bytes(PinHash.saltLength) else {
            throw CLIError("could not read random bytes from OpenSSL for the pin's salt")
        }
        return PinHash(pin: Array(pin.utf8), salt: salt, using: OpenSSLDigester())
    }
}
