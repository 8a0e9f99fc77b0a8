/// The last topic a connection was allowed to publish on and the last it was allowed to receive on.
///
/// Devices send and receive on a few fixed topics, so most messages repeat the previous decision, and
/// comparing the topic's bytes costs a fraction of judging it against the rules again (measured with
/// callgrind in docs/PERFORMANCE.md). Only allows are remembered; a remembered allow counts only before
/// the connection's end (`MessageShortcut.allows`, `AccessPolicy.decideMessage`), and new rules clear it
/// (`AuthenticatedClient.rules`). Nothing else a decision depends on can change during a connection: the
/// root, the token's claims and the identities are fixed at CONNECT, and a revoked or closed connection
/// is no longer registered.
@usableFromInline struct AllowedTopicMemo: Sendable {
    /// Longer topics are judged every time rather than copied.
    static let maxTopicLength = 256

    @usableFromInline private(set) var write: [UInt8]? = nil
    @usableFromInline private(set) var read: [UInt8]? = nil

    @inlinable @inline(__always)  // inside the ACL check: no call on the path of every message
    func contains(_ kind: AccessKind, _ topic: Span<UInt8>) -> Bool {
        switch kind {
        case .write: if let write { return Self.equal(write.span, topic) }
        case .read: if let read { return Self.equal(read.span, topic) }
        case .subscribe, .unsubscribe: break
        }
        return false
    }

    /// Eight bytes per step, and a topic of eight bytes or more ends with one more 8-byte load that
    /// overlaps the previous one instead of a byte loop: a device's topic is compared on every message,
    /// and a byte loop cost ~4 instructions a byte. The loads skip the span's bounds checks (two per
    /// step) because the loop keeps them in bounds itself: both spans hold `count` bytes, `count` is at
    /// least 8 here, every load in the loop starts below `count - 8`, and the last starts at `count - 8`.
    /// Every bit pattern is a valid `UInt64`.
    @inlinable @inline(__always)  // inside the ACL check: no call on the path of every message
    static func equal(_ remembered: Span<UInt8>, _ topic: Span<UInt8>) -> Bool {
        let count = remembered.count
        guard count == topic.count else { return false }
        guard count >= 8 else {
            for offset in 0..<count where remembered[offset] != topic[offset] { return false }
            return true
        }
        let mine = remembered.bytes
        let theirs = topic.bytes
        let last = count &- 8
        var offset = 0
        while offset < last {
            let a = unsafe mine.unsafeLoadUnaligned(fromUncheckedByteOffset: offset, as: UInt64.self)
            let b = unsafe theirs.unsafeLoadUnaligned(fromUncheckedByteOffset: offset, as: UInt64.self)
            guard a == b else { return false }
            offset &+= 8
        }
        return unsafe mine.unsafeLoadUnaligned(fromUncheckedByteOffset: last, as: UInt64.self)
            == theirs.unsafeLoadUnaligned(fromUncheckedByteOffset: last, as: UInt64.self)
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
