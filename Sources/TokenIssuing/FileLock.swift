import Glibc

/// An advisory `flock` on a lock file, held until `release()` or deinit. Exclusive for changes to the
/// keys directory, shared for reads, so two sessionctl runs never both read the manifest, add a key
/// and write it back (the second would drop the first one's key).
///
/// A separate lock file rather than the manifest itself: the manifest is replaced by rename, and a
/// lock on the old inode would not exclude a process that opened the new one. flock locks belong to
/// the open file description, so two threads of one process exclude each other too.
final class FileLock {
    private var descriptor: Int32

    /// Blocks until the lock is granted. With `create`, the lock file is made (mode 0600) if missing.
    init(path: String, exclusive: Bool, create: Bool) throws(KeyRingError) {
        let flags = (create ? O_RDWR | O_CREAT : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW
        let opened = open(path, flags, 0o600)
        guard opened >= 0 else { throw POSIXFiles.failure("open the lock file", path) }
        while flock(opened, exclusive ? LOCK_EX : LOCK_SH) != 0 {
            guard errno == EINTR else {
                let error = POSIXFiles.failure("lock", path)
                close(opened)
                throw error
            }
        }
        descriptor = opened
    }

    func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)  // closing the last descriptor of the description drops the lock
        descriptor = -1
    }

    deinit { release() }
}
