/// The last topic a connection was allowed to publish on and the last it was allowed to receive on.
///
/// Devices send and receive on a few fixed topics, so most messages repeat the previous decision, and
/// comparing the topic's bytes costs a fraction of judging it against the rules again (measured with
/// callgrind in docs/PERFORMANCE.md). Only allows are remembered; the connection's expiry is checked
/// before the memo is consulted, and new rules clear it (`AuthenticatedClient.rules`). Nothing else a
/// decision depends on can change during a connection: the root, the token's claims and the identities
/// are fixed at CONNECT, and a revoked or closed connection is no longer registered.
struct AllowedTopicMemo: Sendable {
    /// Longer topics are judged every time rather than copied.
    static let maxTopicLength = 256

    private var write: [UInt8]? = nil
    private var read: [UInt8]? = nil

    func contains(_ kind: AccessKind, _ topic: Span<UInt8>) -> Bool {
        switch kind {
        case .write: return write.map { Self.equal($0.span, topic) } ?? false
        case .read: return read.map { Self.equal($0.span, topic) } ?? false
        case .subscribe, .unsubscribe: return false
        }
    }

    private static func equal(_ remembered: Span<UInt8>, _ topic: Span<UInt8>) -> Bool {
        guard remembered.count == topic.count else { return false }
        for index in remembered.indices where remembered[index] != topic[index] { return false }
        return true
    }

    mutating func remember(_ kind: AccessKind, _ topic: Span<UInt8>) {
        guard topic.count <= Self.maxTopicLength, kind == .write || kind == .read else { return }
        var bytes = (kind == .write ? write.take() : read.take()) ?? []
        bytes.removeAll(keepingCapacity: true)
        for index in 0..<topic.count { bytes.append(topic[index]) }
        if kind == .write { write = bytes } else { read = bytes }
    }

    mutating func clear() {
        write = nil
        read = nil
    }
}
