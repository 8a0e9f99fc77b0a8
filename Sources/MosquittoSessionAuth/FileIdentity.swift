#if canImport(Glibc)
    import Glibc
#endif

/// Which file a path names right now.
struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

/// Which file a path names and which version of it: an edit in place changes the size or the
/// modification time, a replacement (`mv new old`, what sessionctl does) the inode.
struct FileStamp: Equatable {
    let identity: FileIdentity
    let size: Int64
    let modifiedSeconds: Int64
    let modifiedNanoseconds: Int64

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0, let identity = FileIdentity(path: path) else { return nil }
        self.identity = identity
        size = Int64(info.st_size)
        modifiedSeconds = Int64(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int64(info.st_mtim.tv_nsec)
    }
}

/// Reads a small configuration file whole. Refuses anything larger than `limit`: a key file of
/// megabytes is a wrong path (a log, a database), not a key set.
enum SmallFile {
    enum Failure: Error, CustomStringConvertible {
        case cannotOpen(path: String, errno: Int32)
        case tooLarge(path: String, limit: Int)
        case readFailed(path: String, errno: Int32)

        var description: String {
            switch self {
            case .cannotOpen(let path, let code): return "cannot open \(path): \(String(cString: strerror(code)))"
            case .tooLarge(let path, let limit): return "\(path) is larger than \(limit) bytes; is it the right file?"
            case .readFailed(let path, let code): return "cannot read \(path): \(String(cString: strerror(code)))"
            }
        }
    }

    static func read(_ path: String, limit: Int) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .readFailed(path: path, errno: errno)
            }
            if count == 0 { return contents }
            contents.append(contentsOf: chunk[0..<count])
            if contents.count > limit { throw .tooLarge(path: path, limit: limit) }
        }
    }
}
