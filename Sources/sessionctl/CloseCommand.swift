import ArgumentParser
import SessionStore

struct CloseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Close a session: no more logins, and its connected clients are disconnected within a second.",
        discussion: "Closing an already closed session changes nothing and succeeds. Example: sessionctl close k7m2q9xa"
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The session id.")
    var id: String

    func run() throws {
        let now = Now.seconds
        switch try store.openStore().closeSession(id: id, at: now) {
        case .notFound:
            throw CLIError("no session with id '\(id)'; 'sessionctl list' shows the sessions")
        case .closed(let record):
            if store.json {
                try Output.json(SessionJSON(record: record, now: now))
            } else {
                print("Closed session \(id).")
            }
        case .alreadyClosed(let record):
            if store.json {
                try Output.json(SessionJSON(record: record, now: now))
            } else {
                print("Session \(id) was already closed.")
            }
        }
    }
}
