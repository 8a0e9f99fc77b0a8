import ArgumentParser
import SessionStore

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one session.",
        discussion: "Example: sessionctl show k7m2q9xa"
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The session id.")
    var id: String

    func run() throws {
        guard let record = try store.openStore().session(id: id) else {
            throw CLIError("no session with id '\(id)'; 'sessionctl list' shows the sessions")
        }
        if store.json {
            try Output.json(SessionJSON(record: record, now: Now.seconds))
        } else {
            Output.details(record, now: Now.seconds)
        }
    }
}
