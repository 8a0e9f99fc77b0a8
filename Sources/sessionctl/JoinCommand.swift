import ArgumentParser
import SessionAuthCore
import SessionAuthCrypto
import SessionStore
import TokenIssuing

/// The join step of a session manager: the session's id and pin buy a device a token, so the device
/// never needs the pin again and can be revoked on its own.
struct JoinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract: "Check a session's pin and print a token for a device.",
        discussion: """
            The token is signed with the active key of the keys directory and has role 'device'. The device \
            connects with username = its name and password = the token. It lives --ttl (default 24h), never \
            past the session's expiry, and can be revoked with 'sessionctl revoke'.

            Example: sessionctl join k7m2q9xa 482913 --device sensor1 --ttl 12h
            """
    )

    static let role = "device"

    @OptionGroup var store: StoreOptions
    @OptionGroup var keys: KeysLocation
    @OptionGroup var claims: IssuerOptions

    @Argument(help: "The session id.")
    var id: String

    @Argument(help: "The session's pin.")
    var pin: String

    @Option(
        help: "The device's name: its MQTT username and the token's subject (\(IdentityRules.alphabetDescription)).")
    var device: String

    @Option(help: "Lifetime: seconds or 90s, 15m, 24h, 7d (default 24h); never past the session's expiry.")
    var ttl: String?

    func validate() throws {
        try TokenInput.checkDevice(device)
        try TokenInput.checkTTL(ttl)
    }

    func run() throws {
        let opened = try store.openStore()
        let now = Now.seconds
        // The plugin's order for a pin login: the session must accept logins before its pin is compared.
        let session = try opened.openSession(id, now: now)
        guard let pinHash = PinHash(stored: session.pinHash) else {
            throw CLIError("session '\(id)' has a pin hash this sessionctl cannot read; create a new session")
        }
        guard pinHash.matches(pin: Array(pin.utf8), using: OpenSSLDigester()) else {
            throw CLIError("wrong pin for session '\(id)'; no token was issued")
        }
        try opened.checkRoleHasRules(Self.role, in: session)
        let (expiresAt, clamped) = TokenInput.expiry(ttl: ttl, now: now, sessionExpiresAt: session.expiresAt)
        let tokenID = try TokenIssuer.newTokenID()
        try TokenIssuance(
            request: TokenRequest(
                subject: device, sessionID: id, role: Self.role, issuedAt: now, expiresAt: expiresAt, tokenID: tokenID),
            record: IssuedToken(
                tokenID: tokenID, sessionID: id, device: device, role: Self.role, issuedAt: now, expiresAt: expiresAt),
            hint: TokenIssuance.sessionHint(device: device, session: id),
            clamped: clamped
        ).run(store: opened, keys: try keys.keyRing(store: store), json: store.json, claims: claims)
    }
}
