import Foundation

/// A temporary folder with a store path in it, for tests that run `sessionctl` without a broker.
/// Removed when the test's suite instance goes away.
final class TemporaryStoreFolder {
    let directory: URL
    let ctl: SessionCtl

    init(initialise: Bool) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ctl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        ctl = SessionCtl(databasePath: directory.appendingPathComponent("sessions.db").path)
        if initialise { try ctl.initialise() }
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }
}
