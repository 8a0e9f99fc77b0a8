import ArgumentParser
import SessionStore

/// Stops tokens working before they expire; the plugin drops their connections within a second.
struct RevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke one token (by jti) or every token of a device in a session.",
        discussion: """
            --jti revokes that token whoever issued it, also a token of another issuer the plugin trusts. \
            ID --device revokes every token of that device in that session issued up to now; tokens issued \
            afterwards (a new join) work. Connections using a revoked token are dropped within a second.

            Examples:
              sessionctl revoke --jti Vq3sJ0f1bCkqz9YtTzQb8w
              sessionctl revoke k7m2q9xa --device sensor1
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The session id (with --device).")
    var id: String?

    @Option(help: "The device whose tokens in session ID are revoked.")
    var device: String?

    // Unconditional: a base64url jti may start with '-' and must not be taken for an option.
    @Option(parsing: .unconditional, help: "The jti of the token to revoke ('sessionctl tokens' lists them).")
    var jti: String?

    func validate() throws {
        switch (jti, id, device) {
        case (let jti?, nil, nil):
            try TokenInput.checkTokenID(jti)
        case (nil, .some, .some):
            // No alphabet check on the device: revoking a name the plugin would refuse anyway is harmless,
            // and the names of foreign issuers' tokens are theirs.
            break
        case (nil, nil, nil):
            throw CLIError("say what to revoke: --jti JTI, or a session ID with --device NAME")
        case (.some, _, _):
            throw CLIError("give either --jti JTI or a session ID with --device NAME, not both")
        case (nil, .some, nil):
            throw CLIError("revoking in session '\(id ?? "")' needs --device NAME; to revoke one token use --jti")
        case (nil, nil, .some):
            throw CLIError("--device needs the session ID it belongs to: sessionctl revoke ID --device NAME")
        }
    }

    func run() throws {
        let opened = try store.openStore()
        let now = Now.seconds
        if let jti {
            try revokeToken(jti, in: opened, now: now)
        } else if let id, let device {
            try revokeDevice(device, session: id, in: opened, now: now)
        }
    }

    private func revokeToken(_ jti: String, in opened: SessionStore, now: Int64) throws {
        let outcome = try opened.revokeToken(tokenID: jti, at: now)
        let revokedAt: Int64
        let known: Bool?
        switch outcome {
        case .revoked(let isKnown):
            (revokedAt, known) = (now, isKnown)
        case .alreadyRevoked(let at):
            (revokedAt, known) = (at, nil)
        }
        if store.json {
            try Output.json(
                TokenRevocationJSON(jti: jti, revokedAt: revokedAt, known: known, alreadyRevoked: known == nil))
            return
        }
        switch known {
        case true?: print("Revoked token \(jti); connections using it are dropped within a second.")
        case false?:
            print(
                "Revoked token \(jti), which sessionctl did not issue (another issuer's, or a mistyped jti); "
                    + "the plugin refuses it from now on.")
        case nil: print("Token \(jti) was already revoked at \(Output.time(revokedAt)); nothing changed.")
        }
    }

    private func revokeDevice(_ device: String, session: String, in opened: SessionStore, now: Int64) throws {
        switch try opened.revokeDevice(sessionID: session, device: device, at: now) {
        case .noSuchSession:
            throw CLIError("no session with id '\(session)'; 'sessionctl list' shows the sessions")
        case .revoked(let count):
            if store.json {
                try Output.json(DeviceRevocationJSON(session: session, device: device, revokedAt: now, tokens: count))
                return
            }
            print(
                "Revoked every token of device \(device) in session \(session) issued up to now "
                    + "(\(count) unexpired token(s) issued by sessionctl); its connections are dropped within a second."
            )
        }
    }
}

struct TokenRevocationJSON: Encodable {
    let jti: String
    let revokedAt: Int64
    /// Whether sessionctl issued it; absent when it was already revoked (nothing changed).
    let known: Bool?
    let alreadyRevoked: Bool

    enum CodingKeys: String, CodingKey {
        case jti, known
        case revokedAt = "revoked_at"
        case alreadyRevoked = "already_revoked"
    }
}

struct DeviceRevocationJSON: Encodable {
    let session: String
    let device: String
    let revokedAt: Int64
    /// Unexpired tokens of the device sessionctl had recorded; foreign tokens are revoked too but not counted.
    let tokens: Int

    enum CodingKeys: String, CodingKey {
        case session, device, tokens
        case revokedAt = "revoked_at"
    }
}
