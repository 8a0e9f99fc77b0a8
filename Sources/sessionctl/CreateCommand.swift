import ArgumentParser
import SessionAuthCore
import SessionStore

struct CreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a session and print its id and pin.",
        discussion: """
            Devices join with username = their name and password = ID:PIN.
            Example: sessionctl create --type open --ttl 24h --label "demo room"
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "The session's profile, which sets its topic rules (see the profiles in the store).")
    var type = "open"

    @Option(help: "Lifetime: seconds or a suffixed duration such as 90s, 15m, 24h, 7d. Default: no expiry.")
    var ttl: String?

    @Option(help: "A free-text note shown by list and show.")
    var label: String?

    @Option(
        help: "Use this session id instead of a random one (\(IdentityRules.alphabetDescription), at most 64 bytes).")
    var id: String?

    func validate() throws {
        if let id, let violation = IdentityRules().violation(in: id.utf8) {
            throw ValidationError("--id '\(id)' \(violation)")
        }
        if let ttl, DurationParser.seconds(ttl) == nil {
            throw ValidationError(
                "--ttl '\(ttl)' is not a duration: use seconds or a number with s, m, h or d (e.g. 90s, 15m, 24h, 7d), at most 10 years"
            )
        }
        if let label,
            label.count > 200 || label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        {
            throw ValidationError("--label must be at most 200 characters with no control characters")
        }
    }

    func run() throws {
        let opened = try store.openStore()
        let profiles = try opened.profileNames()
        guard profiles.contains(type) else {
            throw CLIError("unknown session type '\(type)'; the store has: \(profiles.joined(separator: ", "))")
        }
        let now = Now.seconds
        let expiresAt = ttl.flatMap(DurationParser.seconds).map { now + $0 }
        let pin = SessionSecrets.newPin()
        let pinHash = try SessionSecrets.hash(pin: pin)
        for _ in 0..<5 {
            let id = self.id ?? SessionSecrets.newID()
            let outcome = try opened.insertSession(
                id: id, pinHash: pinHash, type: type, label: label, createdAt: now, expiresAt: expiresAt)
            if outcome == .idTaken, self.id != nil { throw CLIError("a session with id '\(id)' already exists") }
            guard outcome == .inserted else { continue }
            guard let record = try opened.session(id: id) else {
                throw CLIError("session \(id) vanished after it was created")
            }
            if store.json {
                try Output.json(SessionJSON(record: record, now: now, pin: pin))
            } else {
                Output.details(record, now: now, pin: pin)
                print("")
                print("Devices join with: username = <device name>, password = \(id):\(pin)")
            }
            return
        }
        throw CLIError("could not find a free session id after 5 tries; the store may be nearly full")
    }
}
