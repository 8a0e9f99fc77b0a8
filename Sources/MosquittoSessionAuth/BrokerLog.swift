import CMosquittoBroker
import SessionAuthCore

/// Log lines through the broker's own logger (`log_dest`, `log_type`), each prefixed with the plugin's name.
enum BrokerLog {
    static let prefix = "session-auth: "

    /// `log_level`. One value for the process: with `per_listener_settings true` the last listener's
    /// option wins (the broker's own `log_type` is global too).
    /// Read on every message (the debug line of an allowed ACL check); set at start on the broker's one
    /// thread, so the runtime's exclusivity bookkeeping is skipped.
    @exclusivity(unchecked) nonisolated(unsafe) static var level = LogLevel.info

    static func error(_ message: @autoclosure () -> String) { write(.error, Int32(MOSQ_LOG_ERR), message) }
    static func warning(_ message: @autoclosure () -> String) { write(.warning, Int32(MOSQ_LOG_WARNING), message) }
    static func notice(_ message: @autoclosure () -> String) { write(.notice, Int32(MOSQ_LOG_NOTICE), message) }
    static func info(_ message: @autoclosure () -> String) { write(.info, Int32(MOSQ_LOG_INFO), message) }
    /// The message is not even built unless `log_level debug`: ACL allows log here, once per message.
    static func debug(_ message: @autoclosure () -> String) { write(.debug, Int32(MOSQ_LOG_DEBUG), message) }

    static var isDebugEnabled: Bool { level >= .debug }

    private static func write(_ messageLevel: LogLevel, _ brokerLevel: Int32, _ message: () -> String) {
        guard messageLevel <= level else { return }
        session_auth_log(brokerLevel, prefix + LogText.escaped(message()))
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
