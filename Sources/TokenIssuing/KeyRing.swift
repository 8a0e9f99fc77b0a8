import Glibc
import SessionAuthCore
import SessionAuthCrypto

/// The keys directory sessionctl signs tokens from and the broker reads public keys from:
///
///     <directory>/                 0755 when sessionctl creates it (the broker must reach jwks.json)
///       jwks.json                  the public JWKS of every key not retired; 0644, or 0640 when it holds
///                                  an HMAC secret (`k`); what `plugin_opt_jwt_keys` points at
///       private/                   0700, refused if group or others have any access
///         manifest.json            0600, the keys: kid, alg, created_at, active, retired_at and the
///                                  public JWK (`KeyManifest`)
///         lock                     0600, the `flock` every change holds exclusively and every read shared
///         <kid>.pem                0600, an EC, Ed25519 or RSA key pair, PKCS#8 PEM
///         <kid>.secret             0600, an HMAC secret, one line of base64url
///
/// The manifest is the truth; jwks.json is rebuilt from it after every change, checked with the
/// plugin's own JWKS reader before it is written, and both files are replaced atomically (temporary
/// file, fsync, rename), so the broker never reads half a JWKS or one it would refuse.
/// Exactly one published key is active: the one new tokens are signed with. Rotation publishes a new
/// key and makes it active while the old one stays published, so tokens it signed keep verifying until
/// it is retired.
public struct KeyRing: Sendable {
    /// Absolute.
    public let directory: String

    public init(directory: String) {
        self.directory = POSIXFiles.absolute(directory)
    }

    public var jwksPath: String { directory + "/jwks.json" }
    public var privateDirectory: String { directory + "/private" }
    var manifestPath: String { privateDirectory + "/manifest.json" }
    var lockPath: String { privateDirectory + "/lock" }

    static let privateKeyFileLimit = 1 << 16

    /// The private key file of `record`.
    public func keyFilePath(_ record: KeyRecord) -> String {
        privateDirectory + "/" + record.keyID + (record.algorithm.keyFamily == .hmac ? ".secret" : ".pem")
    }

    // MARK: Changes

    /// Adds a new key of `algorithm` and makes it the active signing key; the others stay published.
    public func generate(_ algorithm: JWSAlgorithm) throws(KeyRingError) -> KeyRingUpdate {
        try change(ifMissing: nil) { manifest, now throws(KeyRingError) in
            try addKey(algorithm, to: &manifest, now: now)
        }
    }

    /// A new key of the active key's algorithm becomes active; the previous one stays published, so
    /// the tokens it signed keep verifying. Retire it once they have expired. The previous key's
    /// private file is not needed, so this is also the way out when it was lost.
    public func rotate() throws(KeyRingError) -> KeyRingUpdate {
        try change(ifMissing: .noSigningKey(directory: directory)) { manifest, now throws(KeyRingError) in
            guard let active = manifest.active else { throw .noSigningKey(directory: directory) }
            return try addKey(active.record.algorithm, to: &manifest, now: now)
        }
    }

    /// Removes the key from jwks.json, so tokens it signed are refused, and deletes its private key.
    /// The active key can be retired only while another key is published; the newest of those becomes
    /// the active one (the update says which).
    public func retire(_ keyID: String) throws(KeyRingError) -> KeyRingUpdate {
        let update = try change(ifMissing: .noKeys(directory: directory)) { manifest, now throws(KeyRingError) in
            guard let index = manifest.index(of: keyID) else { throw .unknownKeyID(keyID, directory: directory) }
            guard manifest.entries[index].record.isPublished else { throw .alreadyRetired(keyID) }
            if manifest.entries[index].record.isActive {
                let others = manifest.entries.indices.filter { $0 != index && manifest.entries[$0].record.isPublished }
                guard let successor = others.last else { throw .onlyPublishedKey(keyID) }
                manifest.entries[successor].record.isActive = true
            }
            manifest.entries[index].record.isActive = false
            manifest.entries[index].record.retiredAt = now
            return manifest.entries[index].record
        }
        // Only after jwks.json no longer lists it: a crash in between leaves a private key that signs
        // nothing anyone accepts, never a published key without its private half.
        try POSIXFiles.removeIfPresent(keyFilePath(update.key))
        try POSIXFiles.syncDirectory(privateDirectory)
        return update
    }

    // MARK: Reading

    /// Every key the directory has had, retired ones included, oldest first.
    public func list() throws(KeyRingError) -> [KeyRecord] {
        guard let manifest = try readManifest() else { throw .noKeys(directory: directory) }
        return manifest.records
    }

    /// False when there is no keys directory yet or every key was retired.
    public func hasPublishedKey() throws(KeyRingError) -> Bool {
        try readManifest().map { !$0.published.isEmpty } ?? false
    }

    /// The key new tokens are signed with. Its private file must hold the key whose public half is
    /// published under its kid: a swapped file would sign tokens no verifier accepts.
    public func activeKey() throws(KeyRingError) -> SigningKey {
        guard let active = try readManifest()?.active else { throw .noSigningKey(directory: directory) }
        let path = keyFilePath(active.record)
        let key = try loadKey(active.record, path: path)
        let matches =
            key.publicJWKMembers.count == active.publicJWK.count
            && zip(key.publicJWKMembers, active.publicJWK).allSatisfy {
                $0.name.utf8.elementsEqual($1.name.utf8) && $0.value.utf8.elementsEqual($1.value.utf8)
            }
        guard matches else { throw .keyDoesNotMatch(path: path, keyID: active.record.keyID) }
        return key
    }

    /// The public JWKS of the published keys: what jwks.json holds.
    public func publicKeySet() throws(KeyRingError) -> PublicKeySet {
        guard let manifest = try readManifest(), !manifest.published.isEmpty else {
            throw .noKeys(directory: directory)
        }
        return PublicKeySet(manifest.published)
    }

    /// Writes the public JWKS to another file (atomically, 0644 or 0640 as jwks.json).
    public func exportPublicKeySet(to path: String) throws(KeyRingError) -> PublicKeySet {
        let set = try publicKeySet()
        try POSIXFiles.writeAtomically(POSIXFiles.absolute(path), set.bytes, mode: mode_t(set.fileMode))
        return set
    }

    // MARK: Internals

    /// Runs `body` on the manifest under the exclusive lock, then writes the manifest and jwks.json.
    /// With `ifMissing`, a directory without a manifest is that error and is left uncreated (a failed
    /// rotate or retire must not leave an empty keys directory behind).
    private func change(
        ifMissing missing: KeyRingError?, _ body: (inout KeyManifest, Int64) throws(KeyRingError) -> KeyRecord
    ) throws(KeyRingError) -> KeyRingUpdate {
        if let missing, POSIXFiles.status(manifestPath) == nil { throw missing }
        try prepareDirectories()
        let lock = try FileLock(path: lockPath, exclusive: true, create: true)
        defer { lock.release() }
        var manifest = try readManifestUnlocked() ?? KeyManifest(entries: [])
        let known = Set(manifest.records.map { Array($0.keyID.utf8) })
        let record = try body(&manifest, Int64(time(nil)))
        let set = PublicKeySet(manifest.published)
        do throws(KeyRingError) {
            // What the plugin would refuse is never written: it would fail to start with it.
            if case .failure(let error) = JWKSet.keys(fromJSON: set.bytes) {
                throw .manifestCorrupt(path: manifestPath, reason: "its keys make no valid JWKS: \(error)")
            }
            try POSIXFiles.writeAtomically(manifestPath, manifest.json.bytes + [UInt8(ascii: "\n")], mode: 0o600)
        } catch {
            // A key made by this change but never recorded would lie in private/ unlisted and unused.
            if !known.contains(Array(record.keyID.utf8)) { try? POSIXFiles.removeIfPresent(keyFilePath(record)) }
            throw error
        }
        try POSIXFiles.writeAtomically(jwksPath, set.bytes, mode: mode_t(set.fileMode))
        let current = manifest.index(of: record.keyID).map { manifest.entries[$0].record } ?? record
        return KeyRingUpdate(key: current, activeKey: manifest.active?.record, warning: set.warning(path: jwksPath))
    }

    /// Makes a key, writes its private file, and records it as the active key.
    private func addKey(_ algorithm: JWSAlgorithm, to manifest: inout KeyManifest, now: Int64)
        throws(KeyRingError) -> KeyRecord
    {
        let keyID = try KeyIDMaker.make(algorithm, now: now, avoiding: manifest.records)
        let key: SigningKey
        let contents: [UInt8]
        do {
            key = try SigningKey.generate(algorithm, keyID: keyID)
            contents = try key.privateKeyFileContents()
        } catch {
            throw .keyGeneration(error)
        }
        let record = KeyRecord(keyID: keyID, algorithm: algorithm, createdAt: now, isActive: true, retiredAt: nil)
        try POSIXFiles.createExclusively(keyFilePath(record), contents, mode: 0o600)
        for index in manifest.entries.indices { manifest.entries[index].record.isActive = false }
        manifest.entries.append(KeyManifest.Entry(record: record, publicJWK: key.publicJWKMembers))
        return record
    }

    private func loadKey(_ record: KeyRecord, path: String) throws(KeyRingError) -> SigningKey {
        guard POSIXFiles.status(path) != nil else { throw .keyFileMissing(path: path, keyID: record.keyID) }
        let contents = try POSIXFiles.read(path, limit: Self.privateKeyFileLimit)
        do {
            return try SigningKey.fromPrivateKeyFile(
                contents: contents, algorithm: record.algorithm, keyID: record.keyID)
        } catch {
            throw .keyFile(path: path, keyID: record.keyID, error)
        }
    }

    /// The directory (0755) and private/ (0700) when missing; an existing private/ must be closed to others.
    private func prepareDirectories() throws(KeyRingError) {
        try POSIXFiles.makeDirectory(directory, mode: 0o755)
        try POSIXFiles.makeDirectory(privateDirectory, mode: 0o700)
        try checkPrivateDirectory()
    }

    private func checkPrivateDirectory() throws(KeyRingError) {
        guard let info = POSIXFiles.status(privateDirectory) else { return }
        guard POSIXFiles.isDirectory(info) else { throw .notADirectory(privateDirectory) }
        let mode = UInt32(info.st_mode)
        guard mode & 0o077 == 0 else { throw .privateDirectoryTooOpen(path: privateDirectory, mode: mode) }
    }

    /// The manifest under a shared lock (none when no change was ever made here), nil when there is none.
    private func readManifest() throws(KeyRingError) -> KeyManifest? {
        try checkPrivateDirectory()
        guard POSIXFiles.status(lockPath) != nil else { return try readManifestUnlocked() }
        let lock = try FileLock(path: lockPath, exclusive: false, create: false)
        defer { lock.release() }
        return try readManifestUnlocked()
    }

    private func readManifestUnlocked() throws(KeyRingError) -> KeyManifest? {
        guard POSIXFiles.status(manifestPath) != nil else { return nil }
        return try KeyManifest.parse(POSIXFiles.read(manifestPath, limit: KeyManifest.maxBytes), path: manifestPath)
    }
}
