import SessionAuthCore
import SessionStore

#if canImport(Glibc)
    import Glibc
#endif

/// Keeps the plugin's snapshot up to date from the store, on the broker's tick, without ever
/// blocking the loop: a busy or broken store leaves the last good snapshot in place, and each
/// distinct problem is logged once.
final class StoreFollower {
    /// How often a missing or broken store is retried.
    static let reopenIntervalMilliseconds: Int64 = 1_000

    let path: String
    private var reader: SessionStoreReader?
    private var lastDataVersion: Int64?
    private var lastOpenAttempt: Int64?
    private var reportedProblem: String?
    /// Device and inode of the file the reader opened: a different pair at the path means the file
    /// was replaced (a restore, `mv new.db sessions.db`), which an open connection would never see.
    private var openedFile: FileIdentity?
    private var lastFileCheck: Int64?
    /// False until the store has been read, and again while it is missing, removed, corrupt or
    /// unreadable (a merely busy store stays readable: its last good snapshot is still the truth).
    /// New logins cannot be verified then, so they are refused.
    private(set) var isReadable = false

    init(path: String) {
        self.path = path
    }

    struct Update {
        /// Sessions changed since the snapshot's revision, or every session when `isFull`.
        var sessions: [SessionRecord]
        /// True on the first read and after a reopen: the sessions replace the snapshot's.
        var isFull: Bool
        /// Every profile with its rules, when they changed (profiles are few: always read whole).
        var profiles: (revision: Int64, profiles: [Profile])?
        /// Revocations and operator tokens changed since the snapshot's marks (all of them when `isFull`).
        var tokens: TokenChanges
    }

    /// What changed since `snapshot` was read, or nil when the store has nothing new (or cannot be
    /// read now).
    func update(after snapshot: SessionSnapshot, nowMilliseconds: Int64) -> Update? {
        dropReaderIfFileChanged(nowMilliseconds)
        guard let reader = openReaderIfDue(nowMilliseconds) else { return nil }
        do {
            // data_version first: a commit landing between the reads is then seen again next tick.
            let version = try reader.dataVersion()
            if version == lastDataVersion {
                isReadable = true
                return nil
            }
            let isFull = lastDataVersion == nil
            let sessions = try reader.sessions(changedAfter: isFull ? 0 : snapshot.revision)
            let currentProfilesRevision = try reader.profilesRevision()
            let tokens = try reader.tokenChanges(
                revocationsAfter: isFull ? 0 : snapshot.tokens.revocationsRevision,
                deviceRevocationsAfter: isFull ? 0 : snapshot.tokens.deviceRevocationsRevision,
                operatorTokensAfter: isFull ? 0 : snapshot.tokens.operatorTokensRevision)
            var update = Update(sessions: sessions, isFull: isFull, profiles: nil, tokens: tokens)
            // != rather than >: deleting the newest profile can lower the maximum.
            if isFull || currentProfilesRevision != snapshot.profilesRevision {
                update.profiles = (currentProfilesRevision, try reader.profiles())
            }
            lastDataVersion = version
            isReadable = true
            recovered()
            return update
        } catch {
            if case .sqlite(_, let sqliteError) = error, sqliteError.isBusy {
                report("the store is busy; serving the last good snapshot and retrying")
            } else {
                report("cannot read the store: \(error); refusing new logins until it can be read, reopening")
                self.reader = nil
                isReadable = false
            }
            return nil
        }
    }

    private func openReaderIfDue(_ now: Int64) -> SessionStoreReader? {
        if let reader { return reader }
        // A clock that stepped backwards counts as due, so a wrong clock never stops the retries.
        if let lastOpenAttempt, now >= lastOpenAttempt, now - lastOpenAttempt < Self.reopenIntervalMilliseconds {
            return nil
        }
        lastOpenAttempt = now
        do {
            let identity = FileIdentity(path: path)
            let opened = try SessionStoreReader(path: path)
            reader = opened
            openedFile = identity
            lastDataVersion = nil
            return opened
        } catch {
            report("\(error); session logins are refused until it can be read (retrying every second)")
            isReadable = false
            return nil
        }
    }

    /// At most once a second: a store file that vanished or was replaced is reopened (the next read
    /// is then a full reload); meanwhile the last good snapshot stays in force.
    private func dropReaderIfFileChanged(_ now: Int64) {
        guard reader != nil else { return }
        if let lastFileCheck, now >= lastFileCheck, now - lastFileCheck < Self.reopenIntervalMilliseconds { return }
        lastFileCheck = now
        let current = FileIdentity(path: path)
        guard current != openedFile else { return }
        if current == nil {
            report("the store \(path) was removed; refusing new logins until it is back")
            isReadable = false
        } else {
            report("the store \(path) was replaced; reloading it")
        }
        reader = nil
        lastOpenAttempt = nil
    }

    private func report(_ problem: String) {
        guard problem != reportedProblem else { return }
        reportedProblem = problem
        BrokerLog.warning(problem)
    }

    private func recovered() {
        guard reportedProblem != nil else { return }
        reportedProblem = nil
        BrokerLog.notice("the store \(path) is readable again")
    }
}
