import SessionAuthCore
import SessionAuthCrypto

/// The `jwt_keys` file and the verifier built from it. Loaded at start, where a bad file stops the
/// broker; re-read when the file changes on disk (checked once a second, so `sessionctl keys rotate`
/// takes effect without a signal) and on SIGHUP. A bad new file leaves the keys in force, logged.
final class TokenKeys {
    static let checkIntervalMilliseconds: Int64 = 1_000
    /// A JWKS of a few dozen RSA keys is tens of kilobytes.
    static let maxFileSize = 1 << 20

    let path: String
    private let options: PluginOptions
    private(set) var verifier: TokenVerifier
    private var loadedStamp: FileStamp?
    private var lastCheck: Int64?
    private var reportedProblem: String?

    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    init(options: PluginOptions, path: String) throws(LoadError) {
        self.path = path
        self.options = options
        let stamp = FileStamp(path: path)
        verifier = try Self.load(path: path, options: options)
        loadedStamp = stamp
    }

    var keyCount: Int { verifier.keys.count }

    /// Re-reads the file if it changed since it was loaded; at most once a second. True when new keys
    /// are in force.
    @discardableResult
    func reloadIfChanged(nowMilliseconds: Int64) -> Bool {
        if let lastCheck, nowMilliseconds >= lastCheck, nowMilliseconds - lastCheck < Self.checkIntervalMilliseconds {
            return false
        }
        lastCheck = nowMilliseconds
        let stamp = FileStamp(path: path)
        guard stamp != loadedStamp else { return false }
        return reload(because: stamp == nil ? "it was removed" : "it changed", stamp: stamp)
    }

    /// SIGHUP: read the file again whether or not it looks changed.
    @discardableResult
    func reloadNow() -> Bool {
        reload(because: "the broker was asked to reload", stamp: FileStamp(path: path))
    }

    private func reload(because reason: String, stamp: FileStamp?) -> Bool {
        // Remember the stamp even on failure: the same bad file is reported once, not every second.
        loadedStamp = stamp
        do {
            verifier = try Self.load(path: path, options: options)
            reportedProblem = nil
            BrokerLog.notice("re-read jwt_keys \(path) (\(reason)): \(verifier.keys.count) keys")
            return true
        } catch {
            let problem = "jwt_keys: \(error); keeping the \(verifier.keys.count) keys loaded before"
            if problem != reportedProblem { BrokerLog.warning(problem) }
            reportedProblem = problem
            return false
        }
    }

    private static func load(path: String, options: PluginOptions) throws(LoadError) -> TokenVerifier {
        let contents: [UInt8]
        do { contents = try SmallFile.read(path, limit: maxFileSize) } catch {
            throw LoadError(description: "\(error)")
        }
        let keys: [ConfiguredKey]
        switch KeyFile.load(contents: contents) {
        case .failure(let error): throw LoadError(description: "\(path): \(error)")
        case .success(let loaded): keys = loaded
        }
        // A key no allowed algorithm can use is a configuration mistake that would refuse every token.
        let usable = keys.filter { key in options.jwtAlgorithms.contains { key.accepts($0) } }
        guard !usable.isEmpty else {
            let allowed = options.jwtAlgorithms.map(\.rawValue).sorted().joined(separator: ",")
            throw LoadError(
                description: "no key in \(path) verifies any algorithm of jwt_algorithms (\(allowed))")
        }
        guard
            let claims = ClaimsPolicy(
                leeway: options.jwtLeeway, issuer: options.jwtIssuer, audience: options.jwtAudience)
        else {
            throw LoadError(description: "jwt_leeway \(options.jwtLeeway) is out of range")
        }
        return TokenVerifier(keys: keys, allowedAlgorithms: options.jwtAlgorithms, claims: claims)
    }
}
