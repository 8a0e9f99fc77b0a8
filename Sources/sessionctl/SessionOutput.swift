import Foundation
import SessionAuthCore

/// A session as `--json` prints it; the field names are a fixed interface (see SPEC §6).
struct SessionJSON: Encodable {
    let record: SessionRecord
    let now: Int64
    var pin: String? = nil

    enum CodingKeys: String, CodingKey {
        case id, pin, type, state, label
        case createdAt = "created_at"
        case expiresAt = "expires_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(record.id, forKey: .id)
        if let pin { try container.encode(pin, forKey: .pin) }
        try container.encode(record.type, forKey: .type)
        try container.encode(record.status(at: now).rawValue, forKey: .state)
        try container.encode(record.label, forKey: .label)
        try container.encode(record.createdAt, forKey: .createdAt)
        try container.encode(record.expiresAt, forKey: .expiresAt)
    }
}

enum Output {
    static func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Local time, as an operator reads it.
    static func time(_ seconds: Int64?) -> String {
        guard let seconds else { return "-" }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        formatter.timeZone = .current
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    static func table(_ header: [String], _ rows: [[String]]) {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        print(line(header))
        for row in rows { print(line(row)) }
    }

    static func details(_ record: SessionRecord, now: Int64, pin: String? = nil) {
        var fields: [(String, String)] = [("id", record.id)]
        if let pin { fields.append(("pin", pin)) }
        fields += [
            ("type", record.type), ("state", record.status(at: now).rawValue), ("label", record.label ?? "-"),
            ("created", time(record.createdAt)), ("expires", time(record.expiresAt)),
        ]
        if let closedAt = record.closedAt { fields.append(("closed", time(closedAt))) }
        for (name, value) in fields { print("\(name.padding(toLength: 8, withPad: " ", startingAt: 0)) \(value)") }
    }
}
