/// The registry's map from a connection to its client, looked up on every PUBLISH and every delivery.
///
/// Written by hand because `Dictionary` hashes every key with SipHash (about 250 instructions per lookup
/// here, measured with callgrind); a connection id is the address of the broker's `struct mosquitto`,
/// unique while the connection lives and chosen by the broker, not by a client, so a multiplicative hash
/// cannot be steered into collisions. Open addressing with linear probing, at most half full; removal
/// shifts the following entries back, so there are no tombstones to accumulate. A slot is free when it
/// holds no client, so every address is a valid key (no sentinel value to trap on), and a probe reads
/// key and client from one array (one bounds check per step instead of three).
@usableFromInline struct ConnectionTable: Sendable {
    @usableFromInline struct Slot: Sendable {
        @usableFromInline var key: UInt = 0
        @usableFromInline var client: AuthenticatedClient? = nil
    }

    @usableFromInline private(set) var slots: [Slot]
    @usableFromInline private(set) var shift: Int
    private(set) var count = 0

    init() {
        slots = Array(repeating: Slot(), count: 16)
        shift = UInt.bitWidth - 4
    }

    @inlinable var mask: Int { slots.count - 1 }

    /// Fibonacci hashing of the address without its alignment bits, which are always zero.
    @inlinable func home(_ key: UInt) -> Int {
        Int(truncatingIfNeeded: ((key &>> 4) &* 0x9E37_79B9_7F4A_7C15) &>> UInt(shift))
    }

    @inlinable @inline(__always)  // inside the ACL check: no call on the path of every message
    func slot(of key: UInt) -> Int? {
        var index = home(key)
        while slots[index].client != nil {
            if slots[index].key == key { return index }
            index = (index &+ 1) & mask
        }
        return nil
    }

    subscript(connection: ConnectionID) -> AuthenticatedClient? {
        guard let index = slot(of: connection.rawValue) else { return nil }
        return slots[index].client
    }

    /// `body`'s answer for the connection's client, or nil when the connection is not here. The client
    /// is lent, not returned: a returned reference cost a retain and a release on every ACL check.
    @inlinable @inline(__always)  // inside the ACL check: no call on the path of every message
    func withClient<Result>(_ connection: ConnectionID, _ body: (borrowing AuthenticatedClient) -> Result) -> Result? {
        guard let index = slot(of: connection.rawValue), let client = slots[index].client else { return nil }
        return body(client)
    }

    mutating func insert(_ client: AuthenticatedClient, for connection: ConnectionID) {
        let key = connection.rawValue
        if let index = slot(of: key) {
            slots[index].client = client
            return
        }
        if (count + 1) * 2 > slots.count { grow() }
        var index = home(key)
        while slots[index].client != nil { index = (index &+ 1) & mask }
        slots[index] = Slot(key: key, client: client)
        count += 1
    }

    @discardableResult
    mutating func removeValue(for connection: ConnectionID) -> AuthenticatedClient? {
        guard var hole = slot(of: connection.rawValue) else { return nil }
        let removed = slots[hole].client
        // Backward-shift deletion: move up every following entry whose home is not between the hole
        // and its own slot, so every remaining key is still found from its home.
        var next = (hole &+ 1) & mask
        while slots[next].client != nil {
            let wanted = home(slots[next].key)
            let staysPut = hole <= next ? (hole < wanted && wanted <= next) : (hole < wanted || wanted <= next)
            if !staysPut {
                slots[hole] = slots[next]
                hole = next
            }
            next = (next &+ 1) & mask
        }
        slots[hole] = Slot()
        count -= 1
        return removed
    }

    /// Every registered connection and its client, in no particular order.
    var entries: [(connection: ConnectionID, client: AuthenticatedClient)] {
        var result: [(connection: ConnectionID, client: AuthenticatedClient)] = []
        result.reserveCapacity(count)
        for slot in slots {
            if let client = slot.client { result.append((ConnectionID(slot.key), client)) }
        }
        return result
    }

    private mutating func grow() {
        let old = entries
        slots = Array(repeating: Slot(), count: slots.count * 2)
        shift -= 1
        count = 0
        for (connection, client) in old { insert(client, for: connection) }
    }
}
