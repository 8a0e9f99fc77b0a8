/// Which of the three login forms (SPEC §2) a CONNECT uses, told apart by shape alone: a pin
/// password holds a `:` (base64url never does), a token is three base64url segments joined by `.`.
enum PresentedCredential: Equatable {
    /// Password `SESSIONID:PIN`; the username is the device name.
    case pin(username: [UInt8], PinCredential)
    /// A token as the password (`claimedUsername` must be its `sub`), or as the username with the
    /// password empty or ignored (`claimedUsername` nil: the plugin names the client after `sub`).
    case token([UInt8], claimedUsername: [UInt8]?)

    static func classify(_ attempt: LoginAttempt) -> Result<PresentedCredential, LoginRefusal> {
        if let password = attempt.password, !password.isEmpty {
            // The two shapes exclude each other (a `:` is no base64url byte), so the order only saves
            // work: the token test stops at a pin's `:`, while the pin test would scan a whole token.
            if hasTokenShape(password) {
                guard let username = attempt.username else { return .failure(.missingUsername) }
                return .success(.token(password, claimedUsername: username))
            }
            if let credential = PinCredential(password: password) {
                guard let username = attempt.username else { return .failure(.missingUsername) }
                return .success(.pin(username: username, credential))
            }
        }
        // The mosquitto-go-auth convention: the token as the username, whatever the password says.
        if let username = attempt.username, hasTokenShape(username) {
            return .success(.token(username, claimedUsername: nil))
        }
        guard attempt.username != nil else { return .failure(.missingUsername) }
        if attempt.password?.isEmpty ?? true { return .failure(.missingPassword) }
        return .failure(.unrecognisedPassword)
    }

    /// Two dots and only base64url bytes otherwise: the compact JWS shape. The parser is stricter;
    /// this only routes the credential, so a malformed token gets a token error, not "bad password".
    static func hasTokenShape(_ bytes: [UInt8]) -> Bool {
        var dots = 0
        for byte in bytes where !Base64URL.isAlphabetByte(byte) {
            guard byte == UInt8(ascii: ".") else { return false }
            dots += 1
        }
        return dots == 2 && bytes.count >= 5
    }
}
