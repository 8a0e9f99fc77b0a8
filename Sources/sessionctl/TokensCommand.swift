import ArgumentParser
import SessionStore

/// What sessionctl has issued: the records of tokens, never the tokens (they are not stored, so a copy
/// of the store cannot be used to log in).
struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "List the tokens sessionctl issued: of one session, the operator tokens, or all.",
        discussion: """
            State is active, expired or revoked (by 'sessionctl revoke --jti', or 'revoke ID --device' for \
            tokens issued up to then). The tokens themselves are not stored and cannot be shown again.

            Examples:
              sessionctl tokens k7m2q9xa
              sessionctl tokens --global --json
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "Only the tokens of this session.")
    var id: String?

    @Flag(help: "Only the operator tokens (issued with 'sessionctl token --global').")
    var global = false

    func validate() throws {
        if id != nil, global {
            throw CLIError("give a session ID or --global, not both: operator tokens belong to no session")
        }
    }

    func run() throws {
        let opened = try store.openStore()
        if let id, try opened.session(id: id) == nil {
            throw CLIError("no session with id '\(id)'; 'sessionctl list' shows the sessions")
        }
        let listings = try opened.issuedTokens(sessionID: id, operatorOnly: global)
        let now = Now.seconds
        if store.json {
            try Output.json(listings.map { TokenListingJSON(listing: $0, now: now) })
            return
        }
        if listings.isEmpty {
            print("No tokens.")
            return
        }
        Output.table(
            ["JTI", "SESSION", "DEVICE", "ROLE", "ISSUED", "EXPIRES", "STATE", "LABEL / RULES"],
            listings.map { listing in
                let token = listing.token
                let rules = token.rules.map { "\($0.access.rawValue) \($0.pattern)" }.joined(separator: ", ")
                let note = [token.label ?? "", rules].filter { !$0.isEmpty }.joined(separator: "; ")
                return [
                    token.tokenID, token.sessionID ?? "(operator)", token.device, token.role,
                    Output.time(token.issuedAt), Output.time(token.expiresAt), listing.state(at: now).rawValue, note,
                ]
            })
    }
}
