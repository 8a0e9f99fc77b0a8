import Foundation

/// Samples the broker's VmRSS every 100 ms on a thread of its own and keeps the peak.
final class RSSMonitor: @unchecked Sendable {
    private let lock = NSLock()
    private var peak = 0
    private var running = true
    private let read: @Sendable () -> Int?

    init(read: @escaping @Sendable () -> Int?) {
        self.read = read
        Thread { self.loop() }.start()
    }

    var peakBytes: Int { lock.withLock { peak } }

    func stop() { lock.withLock { running = false } }

    private func loop() {
        while lock.withLock({ running }) {
            if let bytes = read() { lock.withLock { peak = max(peak, bytes) } }
            Clock.sleep(0.1)
        }
    }
}
