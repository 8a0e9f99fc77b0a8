import CMosquittoBroker
import SessionAuthCore

/// Log lines through the broker's own logger (`log_dest`, `log_type`), each prefixed with the plugin's name.
enum BrokerLog {
    static let prefix = "session-auth: "

    static func error(_ message: String) { write(Int32(MOSQ_LOG_ERR), message) }
    static func warning(_ message: String) { write(Int32(MOSQ_LOG_WARNING), message) }
    static func notice(_ message: String) { write(Int32(MOSQ_LOG_NOTICE), message) }
    static func info(_ message: String) { write(Int32(MOSQ_LOG_INFO), message) }
    static func debug(_ message: String) { write(Int32(MOSQ_LOG_DEBUG), message) }

    private static func write(_ level: Int32, _ message: String) {
        session_auth_log(level, prefix + LogText.escaped(message))
    }
}

/// Makes client-supplied text (topics) safe to put in one log line.
enum LogText {
    /// A topic longer than this is cut in log lines; a whole line is cut at `maxLineBytes`.
    static let maxTopicBytes = 300
    static let maxLineBytes = 1_024

    /// Control bytes become `\xNN`, so client text (a topic) cannot forge a second log line.
    static func escaped(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(min(text.utf8.count, maxLineBytes) + 8)
        for byte in text.utf8 {
            if out.count >= maxLineBytes {
                out.append(contentsOf: "...".utf8)
                break
            }
            if byte < 0x20 || byte == 0x7f {
                out.append(contentsOf: "\\x".utf8)
                out.append(contentsOf: Hex.encode([byte]).utf8)
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A topic as it may appear in a log line.
    static func topic(_ topic: String) -> String {
        guard topic.utf8.count > maxTopicBytes else { return topic }
        return String(decoding: topic.utf8.prefix(maxTopicBytes), as: UTF8.self) + "..."
    }
}
