import Glibc
import SessionAuthCore
import SessionAuthCrypto

/// The file operations the keys directory needs, on the POSIX calls directly (no Foundation), each
/// failure turned into a `KeyRingError` naming the path.
///
/// Files are created with their final mode set explicitly (`fchmod`), so a restrictive or permissive
/// umask changes nothing; replaced files are written to a temporary name, flushed and renamed, so a
/// reader (the broker, another sessionctl) sees the old file or the new one, never half of one.
enum POSIXFiles {
    /// `lstat`: a symbolic link is reported as itself, never followed.
    static func status(_ path: String) -> stat? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info
    }

    static func isDirectory(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFDIR }
    static func isRegularFile(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFREG }

    /// The whole file, refused past `limit` bytes. Links are not followed: every file here is one
    /// sessionctl wrote itself.
    static func read(_ path: String, limit: Int) throws(KeyRingError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { throw failure("read", path) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure("read", path) }
        guard isRegularFile(info) else { throw .notARegularFile(path) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("read", path)
            }
            if count == 0 { return contents }
            contents += chunk.prefix(count)
            guard contents.count <= limit else { throw .fileTooLarge(path: path, limit: limit) }
        }
    }

    /// Replaces `path` with `bytes` atomically (temporary file, fsync, rename, fsync of the folder).
    static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t) throws(KeyRingError) {
        let (folder, name) = split(path)
        let suffix = SecureRandom.bytes(6).map { Base64URL.encode($0) } ?? "\(time(nil))"
        let temporary = "\(folder)/.\(name).\(getpid()).\(suffix).tmp"
        try writeNew(temporary, bytes, mode: mode)
        guard rename(temporary, path) == 0 else {
            let error = failure("replace", path)
            unlink(temporary)
            throw error
        }
        try syncDirectory(folder)
    }

    /// Writes a file that must not exist yet (`O_EXCL`: an existing file or link is never overwritten),
    /// flushed to disk before it is named anywhere else.
    static func createExclusively(_ path: String, _ bytes: [UInt8], mode: mode_t) throws(KeyRingError) {
        try writeNew(path, bytes, mode: mode)
        try syncDirectory(split(path).folder)
    }

    /// Creates `path` (which must not exist) holding `bytes`, flushed; on a failure after the file was
    /// created, it is removed again, so no partial key or manifest is left under any name.
    private static func writeNew(_ path: String, _ bytes: [UInt8], mode: mode_t) throws(KeyRingError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard descriptor >= 0 else { throw failure("create", path) }
        do {
            try fill(descriptor, bytes, mode: mode, path: path)
        } catch {
            close(descriptor)
            unlink(path)
            throw error
        }
        guard close(descriptor) == 0 else {
            let error = failure("write", path)
            unlink(path)
            throw error
        }
    }

    private static func fill(_ descriptor: Int32, _ bytes: [UInt8], mode: mode_t, path: String) throws(KeyRingError) {
        // The umask may have taken bits away: set exactly `mode`.
        guard fchmod(descriptor, mode) == 0 else { throw failure("set the mode of", path) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.write(descriptor, raw.baseAddress.map { $0 + offset }, bytes.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("write", path)
            }
            offset += written
        }
        guard fsync(descriptor) == 0 else { throw failure("write", path) }
    }

    /// Creates `path` and any missing parents; the folders made get `mode` exactly. An existing folder
    /// is left as it is. Returns whether the last component was created.
    @discardableResult
    static func makeDirectory(_ path: String, mode: mode_t) throws(KeyRingError) -> Bool {
        if let info = status(path) {
            guard isDirectory(info) else { throw .notADirectory(path) }
            return false
        }
        let parent = split(path).folder
        if parent != path, !parent.isEmpty, status(parent) == nil {
            try makeDirectory(parent, mode: 0o755)
        }
        guard mkdir(path, mode) == 0 else {
            // Another sessionctl may have made it in the meantime.
            if errno == EEXIST, let info = status(path), isDirectory(info) { return false }
            throw failure("create the folder", path)
        }
        guard chmod(path, mode) == 0 else { throw failure("set the mode of", path) }
        return true
    }

    /// Removes a file; one already gone is not an error.
    static func removeIfPresent(_ path: String) throws(KeyRingError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw failure("remove", path) }
    }

    /// A rename or create is durable only once the folder holding the name is flushed too.
    static func syncDirectory(_ path: String) throws(KeyRingError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open the folder", path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("flush the folder", path) }
    }

    /// The folder and the last component of `path` ("/" for a file at the root, "." for a bare name).
    static func split(_ path: String) -> (folder: String, name: String) {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return (".", String(trimmed)) }
        let folder = trimmed[..<slash]
        return (folder.isEmpty ? "/" : String(folder), String(trimmed[trimmed.index(after: slash)...]))
    }

    /// `path` made absolute against the working directory, so messages and the printed config line
    /// name the same file whatever folder the broker starts in.
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        guard let cwd = getcwd(nil, 0) else { return path }
        defer { free(cwd) }
        let base = String(cString: cwd)
        var relative = Substring(path)
        while relative.hasPrefix("./") { relative = relative.dropFirst(2) }
        if relative.isEmpty || relative == "." { return base }
        return base == "/" ? "/\(relative)" : "\(base)/\(relative)"
    }

    static func failure(_ operation: String, _ path: String) -> KeyRingError {
        .fileSystem(operation: operation, path: path, reason: String(cString: strerror(errno)))
    }
}
