import ArgumentParser

@main
struct SessionCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessionctl",
        abstract: "Manage the sessions of the mosquitto-session-auth plugin.",
        discussion: """
            sessionctl is the only writer of the session store, a SQLite file the plugin reads while
            the broker runs. Changes take effect in the running broker within a second.

            The store is --db PATH, else $SESSIONCTL_DB, else \(StoreOptions.defaultPath).
            """,
        subcommands: [
            InitCommand.self, CreateCommand.self, ListCommand.self, ShowCommand.self, CloseCommand.self,
            ProfileCommand.self, CheckCommand.self,
            JoinCommand.self, TokenCommand.self, RevokeCommand.self, TokensCommand.self,
            KeysCommand.self,
        ]
    )
}
