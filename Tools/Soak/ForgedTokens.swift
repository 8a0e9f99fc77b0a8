import Foundation

/// Tokens that must never log in, made from real ones: each is one way an attacker (or a broken
/// issuer) gets a token wrong.
enum ForgedTokens {
    struct Forgery: Sendable {
        let name: String
        let token: String
        /// The username to present with it (the real token's device unless the forgery is about that).
        let username: String
    }

    /// - Parameters:
    ///   - genuine: real tokens of open sessions (at least two, of different devices).
    ///   - foreign: a real token for a session id the broker knows, signed by another store's key.
    ///   - expired: a real token whose `exp` has passed.
    static func make(
        genuine: [SessionCtlRunner.Token], foreign: SessionCtlRunner.Token,
        expired: SessionCtlRunner.Token
    ) -> [Forgery] {
        let first = genuine[0]
        let second = genuine[1]
        let parts = first.token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let otherParts = second.token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let (header, payload, signature) = (parts[0], parts[1], parts[2])
        var claims = decodeJSON(payload)
        var forgeries: [Forgery] = []
        func add(_ name: String, _ token: String, username: String? = nil) {
            forgeries.append(Forgery(name: name, token: token, username: username ?? first.device))
        }
        add("bad signature", [header, payload, flipped(signature)].joined(separator: "."))
        add("another token's signature", [header, payload, otherParts[2]].joined(separator: "."))
        claims["sub"] = "admin"
        add("edited claims", [header, encodeJSON(claims), signature].joined(separator: "."), username: "admin")
        claims["sub"] = first.device
        claims["exp"] = Clock.unixSeconds() + 10 * 365 * 86_400
        add("extended exp", [header, encodeJSON(claims), signature].joined(separator: "."))
        add("alg none", [encodeJSON(["alg": "none", "typ": "JWT"]), payload, ""].joined(separator: "."))
        var hmacHeader = decodeJSON(header)
        hmacHeader["alg"] = "HS256"
        add("alg HS256 with an EC key id", [encodeJSON(hmacHeader), payload, signature].joined(separator: "."))
        add("truncated", String(first.token.dropLast(12)))
        add("other key", foreign.token, username: foreign.device)
        add("expired", expired.token, username: expired.device)
        add("username is not sub", first.token, username: "\(first.device)x")
        add("garbage", "eyJhbGciOiJFUzI1NiJ9.e30.AAAA")
        return forgeries
    }

    /// Changes one character in the middle of a base64url string (the ends may only carry padding bits).
    static func flipped(_ text: String) -> String {
        var characters = Array(text)
        let middle = characters.count / 2
        characters[middle] = characters[middle] == "A" ? "B" : "A"
        return String(characters)
    }

    static func decodeJSON(_ segment: String) -> [String: Any] {
        var base64 = segment.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return object
    }

    static func encodeJSON(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
