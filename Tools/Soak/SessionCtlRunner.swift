import Foundation

/// build/sessionctl against the soak's store, as an operator's script runs it (`--json`).
struct SessionCtlRunner: Sendable {
    let executable: String
    let databasePath: String
    let scratchDirectory: String

    struct Session: Sendable {
        let id: String
        let pin: String
        var password: String { "\(id):\(pin)" }
    }

    struct Token: Sendable {
        let token: String
        let device: String
        let expiresAt: Int64
    }

    @discardableResult
    func run(_ arguments: [String], database: String? = nil) throws -> String {
        let result = try ChildProcess.run(
            executable, arguments + ["--db", database ?? databasePath], outputDirectory: scratchDirectory)
        guard result.status == 0 else {
            throw SoakError("sessionctl \(arguments.first ?? "") failed (\(result.status)): \(result.stderr)")
        }
        return result.stdout
    }

    func initialise(database: String? = nil) throws { try run(["init"], database: database) }

    func create(type: String = "open", id: String? = nil, database: String? = nil) throws -> Session {
        let object = try json(
            run(["create", "--json", "--type", type] + (id.map { ["--id", $0] } ?? []), database: database))
        guard let id = object["id"] as? String, let pin = object["pin"] as? String else {
            throw SoakError("sessionctl create printed no id and pin")
        }
        return Session(id: id, pin: pin)
    }

    func close(_ id: String) throws { try run(["close", id]) }

    func join(_ session: Session, device: String, ttl: String = "24h", database: String? = nil) throws -> Token {
        try token(
            run(["join", session.id, session.pin, "--device", device, "--ttl", ttl, "--json"], database: database),
            device: device)
    }

    func token(for session: Session, device: String, role: String) throws -> Token {
        try token(run(["token", session.id, "--device", device, "--role", role, "--json"]), device: device)
    }

    private func token(_ output: String, device: String) throws -> Token {
        let object = try json(output)
        guard let token = object["token"] as? String, let expiresAt = object["expires_at"] as? Int else {
            throw SoakError("sessionctl printed no token")
        }
        return Token(token: token, device: device, expiresAt: Int64(expiresAt))
    }

    private func json(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw SoakError("sessionctl printed no JSON object: \(text)")
        }
        return object
    }
}
