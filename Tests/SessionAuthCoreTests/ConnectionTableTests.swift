import SeededRandom
import Testing

@testable import SessionAuthCore

/// The registry's hand-written hash table must behave exactly like a Dictionary: checked against one
/// through long random sequences of inserts, replacements and removals (which exercise growth and the
/// backward shift of colliding entries).
@Suite struct ConnectionTableTests {
    static func client(_ n: Int) -> AuthenticatedClient {
        Fixtures.client(session: "s\(n)")
    }

    @Test(arguments: [UInt(16), 4096, 1 << 20])
    func behavesLikeADictionary(stride: UInt) {
        var generator = SplitMix64(seed: UInt64(stride))
        var table = ConnectionTable()
        var reference: [ConnectionID: AuthenticatedClient] = [:]
        let pool = (1...600).map { ConnectionID(UInt($0) &* stride) }
        let clients = (0..<8).map(Self.client)
        for step in 0..<20_000 {
            let connection = pool.randomElement(using: &generator)!
            if Int.random(in: 0..<3, using: &generator) == 0 {
                #expect(table.removeValue(for: connection) === reference.removeValue(forKey: connection))
            } else {
                let client = clients[step % clients.count]
                table.insert(client, for: connection)
                reference[connection] = client
            }
            #expect(table.count == reference.count)
        }
        for connection in pool { #expect(table[connection] === reference[connection]) }
        #expect(table.entries.count == reference.count)
        for (connection, client) in table.entries { #expect(reference[connection] === client) }
    }

    @Test func emptiesCompletely() {
        var table = ConnectionTable()
        let connections = (1...1_000).map { ConnectionID(UInt($0) * 48) }
        for connection in connections { table.insert(Self.client(1), for: connection) }
        for connection in connections.reversed() { #expect(table.removeValue(for: connection) != nil) }
        #expect(table.count == 0 && table.entries.isEmpty)
        #expect(table[connections[0]] == nil)
        #expect(table.removeValue(for: ConnectionID(UInt.max)) == nil)
        // Every address is a key, the extremes included.
        table.insert(Self.client(2), for: ConnectionID(0))
        table.insert(Self.client(3), for: ConnectionID(UInt.max))
        #expect(table[ConnectionID(0)] === table.entries.first { $0.connection == ConnectionID(0) }?.client)
        #expect(table[ConnectionID(UInt.max)] != nil && table.count == 2)
    }
}
