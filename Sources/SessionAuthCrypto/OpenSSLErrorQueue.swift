import COpenSSL

/// OpenSSL reports failures on a per-thread error queue. Whatever a failed call left there is read
/// (for a message) and cleared here, so it cannot surface in an unrelated later call.
enum OpenSSLErrorQueue {
    /// The oldest queued error's reason, or `fallback` when the queue is empty; the queue is cleared.
    static func drain(fallback: String) -> String {
        let code = ERR_get_error()
        var message = fallback
        if code != 0, let reason = ERR_reason_error_string(code) {
            message = String(cString: reason)
        }
        ERR_clear_error()
        return message
    }

    static func clear() {
        ERR_clear_error()
    }
}
