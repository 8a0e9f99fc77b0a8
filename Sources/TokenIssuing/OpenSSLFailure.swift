import COpenSSL

/// OpenSSL leaves the reasons for a failure on a per-thread error queue. Each failure here is read
/// off it once, for the message, and the queue is emptied so it cannot surface in a later, unrelated call.
enum OpenSSLFailure {
    /// The oldest queued reason, or `fallback` when OpenSSL queued none; the queue is cleared.
    static func drain(fallback: String) -> String {
        let code = ERR_get_error()
        var message = fallback
        if code != 0, let reason = ERR_reason_error_string(code) {
            message = "\(fallback): \(String(cString: reason))"
        }
        ERR_clear_error()
        return message
    }
}
