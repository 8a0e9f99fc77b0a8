import ArgumentParser
import SessionAuthCore

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List sessions.",
        discussion: "Example: sessionctl list --state open --json"
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "Only sessions in this state: open, closed or expired.")
    var state: String?

    func validate() throws {
        if let state, SessionStatus(rawValue: state) == nil {
            throw ValidationError("--state must be open, closed or expired, not '\(state)'")
        }
    }

    func run() throws {
        let now = Now.seconds
        let records = try store.openStore().sessions().filter { record in
            state.map { record.status(at: now).rawValue == $0 } ?? true
        }
        if store.json {
            try Output.json(records.map { SessionJSON(record: $0, now: now) })
            return
        }
        if records.isEmpty {
            print("No sessions.")
            return
        }
        Output.table(
            ["ID", "TYPE", "STATE", "CREATED", "EXPIRES", "LABEL"],
            records.map { record in
                [
                    record.id, record.type, record.status(at: now).rawValue, Output.time(record.createdAt),
                    Output.time(record.expiresAt), record.label ?? "",
                ]
            })
    }
}
