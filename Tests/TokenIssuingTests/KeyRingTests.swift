import Foundation
import SessionAuthCore
import SessionAuthCrypto
import Testing
import TokenIssuing

@Suite struct KeyRingTests {
    let folder: TemporaryKeysFolder
    var ring: KeyRing { folder.ring }

    init() throws {
        folder = try TemporaryKeysFolder()
    }

    private func publishedKeyIDs() throws -> [String?] {
        try folder.publishedKeys().map(\.keyID)
    }

    @Test func filesHaveTheirModes() throws {
        let update = try ring.generate(.es256)
        #expect(update.warning == nil)
        #expect(try mode(ring.directory) == 0o755)
        #expect(try mode(ring.privateDirectory) == 0o700)
        #expect(try mode(ring.keyFilePath(update.key)) == 0o600)
        #expect(try mode(ring.privateDirectory + "/manifest.json") == 0o600)
        #expect(try mode(ring.jwksPath) == 0o644)
    }

    @Test func modesDoNotDependOnTheUmask() throws {
        let previous = umask(0o077)
        defer { umask(previous) }
        _ = try ring.generate(.edDSA)
        #expect(try mode(ring.directory) == 0o755)
        #expect(try mode(ring.jwksPath) == 0o644)
    }

    @Test func anHMACSecretMakesTheJWKSPrivateWithAWarning() throws {
        _ = try ring.generate(.es256)
        let update = try ring.generate(.hs256)
        #expect(try mode(ring.jwksPath) == 0o640)
        let warning = try #require(update.warning)
        #expect(warning.contains(ring.jwksPath) && warning.contains(update.key.keyID) && warning.contains("0640"))
        #expect(try mode(ring.keyFilePath(update.key)) == 0o600)
        #expect(ring.keyFilePath(update.key).hasSuffix(".secret"))

        // Once the secret is retired the set is public again.
        _ = try ring.generate(.es384)
        let retired = try ring.retire(update.key.keyID)
        #expect(retired.warning == nil)
        #expect(try mode(ring.jwksPath) == 0o644)
    }

    @Test func kidsNameTheAlgorithmAndTheDay() throws {
        let keyID = try ring.generate(.edDSA).key.keyID
        let parts = keyID.split(separator: "-", maxSplits: 2)
        #expect(parts.count == 3 && parts[0] == "eddsa" && parts[1].count == 8 && parts[2].count == 6)
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        #expect(String(parts[1]) == formatter.string(from: Date()))
    }

    @Test func rotateKeepsTheOldKeyVerifyingAndSignsWithTheNewOne() throws {
        let first = try ring.generate(.es256).key
        let oldToken = try TokenIssuer.issue(Sample.request(), with: try ring.activeKey())

        let rotated = try ring.rotate()
        #expect(rotated.key.algorithm == .es256 && rotated.key.keyID != first.keyID)
        #expect(rotated.activeKey == rotated.key)
        let active = try ring.activeKey()
        #expect(active.keyID == rotated.key.keyID)
        #expect(try publishedKeyIDs() == [first.keyID, rotated.key.keyID])

        let verifier = try folder.verifier()
        #expect(throws: Never.self) { try verifier.verify(Array(oldToken.utf8), now: Sample.now).get() }
        let newToken = try TokenIssuer.issue(Sample.request(), with: active)
        #expect(try CompactJWS.parse(Array(newToken.utf8)).get().header.keyID == rotated.key.keyID)
        #expect(throws: Never.self) { try verifier.verify(Array(newToken.utf8), now: Sample.now).get() }

        let listed = try ring.list()
        #expect(listed.map(\.isActive) == [false, true])
        #expect(listed.allSatisfy { $0.isPublished })
    }

    @Test func retireUnpublishesTheKeySoItsTokensAreRefused() throws {
        let old = try ring.generate(.edDSA).key
        let token = try TokenIssuer.issue(Sample.request(), with: try ring.activeKey())
        let new = try ring.rotate().key
        let oldFile = ring.keyFilePath(old)

        let update = try ring.retire(old.keyID)
        #expect(update.key.keyID == old.keyID && !update.key.isPublished && !update.key.isActive)
        #expect(update.activeKey?.keyID == new.keyID)
        #expect(try publishedKeyIDs() == [new.keyID])
        #expect(!FileManager.default.fileExists(atPath: oldFile))
        let result = try folder.verifier().verify(Array(token.utf8), now: Sample.now)
        #expect(throws: TokenError.unknownKeyID(old.keyID)) { try result.get() }

        let listed = try ring.list()
        #expect(listed.map(\.keyID) == [old.keyID, new.keyID])
        #expect(listed.map(\.isPublished) == [false, true])
        #expect(throws: KeyRingError.alreadyRetired(old.keyID)) { try ring.retire(old.keyID) }
    }

    @Test func theOnlyKeyCannotBeRetired() throws {
        let only = try ring.generate(.es256).key
        #expect(throws: KeyRingError.onlyPublishedKey(only.keyID)) { try ring.retire(only.keyID) }
        #expect(try publishedKeyIDs() == [only.keyID])
        #expect(try ring.activeKey().keyID == only.keyID)
    }

    @Test func retiringTheActiveKeyHandsOverToTheNewestOther() throws {
        let a = try ring.generate(.es256).key
        let b = try ring.generate(.edDSA).key
        let c = try ring.generate(.es384).key
        _ = try ring.retire(b.keyID)
        let update = try ring.retire(c.keyID)
        #expect(update.activeKey?.keyID == a.keyID)
        #expect(try ring.activeKey().keyID == a.keyID)
        #expect(try publishedKeyIDs() == [a.keyID])
    }

    @Test func errorsNameWhatToDo() throws {
        #expect(throws: KeyRingError.noSigningKey(directory: ring.directory)) { try ring.activeKey() }
        #expect(
            KeyRingError.noSigningKey(directory: ring.directory).description.hasPrefix(
                "no signing key: run `sessionctl keys generate`"))
        #expect(throws: KeyRingError.noKeys(directory: ring.directory)) { try ring.list() }
        #expect(throws: KeyRingError.noSigningKey(directory: ring.directory)) { try ring.rotate() }
        #expect(try ring.hasPublishedKey() == false)
        _ = try ring.generate(.es256)
        #expect(try ring.hasPublishedKey())
        #expect(throws: KeyRingError.unknownKeyID("nope", directory: ring.directory)) { try ring.retire("nope") }
    }

    @Test func anOpenPrivateFolderIsRefused() throws {
        _ = try ring.generate(.es256)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: ring.privateDirectory)
        #expect(throws: KeyRingError.privateDirectoryTooOpen(path: ring.privateDirectory, mode: 0o40755)) {
            try ring.activeKey()
        }
        #expect(throws: KeyRingError.self) { try ring.generate(.es256) }
        #expect(
            KeyRingError.privateDirectoryTooOpen(path: "/k/private", mode: 0o40755).description
                == "/k/private is mode 0755, but it holds private keys: make it 0700 (chmod 700 /k/private)")
    }

    @Test func aDamagedManifestOrKeyFileIsReportedNotGuessed() throws {
        let key = try ring.generate(.es256).key
        let manifest = ring.privateDirectory + "/manifest.json"
        let good = try Data(contentsOf: URL(fileURLWithPath: manifest))

        try Data(#"{"format":1,"keys":[{"kid":"../../etc/passwd","alg":"ES256","created_at":1,"active":true}]}"#.utf8)
            .write(to: URL(fileURLWithPath: manifest))
        #expect { try ring.activeKey() } throws: { error in
            guard case KeyRingError.manifestCorrupt(let path, _) = error else { return false }
            return path == manifest
        }
        try Data(#"{"format":2,"keys":[]}"#.utf8).write(to: URL(fileURLWithPath: manifest))
        #expect(throws: KeyRingError.manifestTooNew(path: manifest, format: 2)) { try ring.list() }

        try good.write(to: URL(fileURLWithPath: manifest))
        try Data("not a key".utf8).write(to: URL(fileURLWithPath: ring.keyFilePath(key)))
        #expect { try ring.activeKey() } throws: { error in
            guard case KeyRingError.keyFile(let path, let keyID, _) = error else { return false }
            return path == ring.keyFilePath(key) && keyID == key.keyID
        }
        try FileManager.default.removeItem(atPath: ring.keyFilePath(key))
        #expect(throws: KeyRingError.keyFileMissing(path: ring.keyFilePath(key), keyID: key.keyID)) {
            try ring.activeKey()
        }
    }

    @Test func aLostPrivateKeyStopsSigningButNotRotation() throws {
        let lost = try ring.generate(.es256).key
        let token = try TokenIssuer.issue(Sample.request(), with: try ring.activeKey())
        try FileManager.default.removeItem(atPath: ring.keyFilePath(lost))
        #expect(throws: KeyRingError.keyFileMissing(path: ring.keyFilePath(lost), keyID: lost.keyID)) {
            try ring.activeKey()
        }
        #expect(
            KeyRingError.keyFileMissing(path: "/p", keyID: "k").description.hasSuffix(
                "make a new signing key (sessionctl keys rotate)"))

        // The way out the message names needs no private file of the old key.
        let new = try ring.rotate().key
        #expect(try ring.activeKey().keyID == new.keyID)
        #expect(throws: Never.self) { try folder.verifier().verify(Array(token.utf8), now: Sample.now).get() }
        _ = try ring.retire(lost.keyID)
        #expect(try publishedKeyIDs() == [new.keyID])
    }

    @Test func aSwappedPrivateKeyFileIsRefused() throws {
        let key = try ring.generate(.es256).key
        let stranger = try SigningKey.generate(.es256, keyID: key.keyID).privateKeyFileContents()
        try Data(stranger).write(to: URL(fileURLWithPath: ring.keyFilePath(key)))
        #expect(throws: KeyRingError.keyDoesNotMatch(path: ring.keyFilePath(key), keyID: key.keyID)) {
            try ring.activeKey()
        }
    }

    @Test func exportWritesTheSameSetElsewhere() throws {
        _ = try ring.generate(.es256)
        _ = try ring.generate(.ps256)
        let output = folder.root.appendingPathComponent("exported.json").path
        let set = try ring.exportPublicKeySet(to: output)
        #expect(set.keyIDs.count == 2 && !set.holdsSecret)
        let exported = try Data(contentsOf: URL(fileURLWithPath: output))
        let published = try Data(contentsOf: URL(fileURLWithPath: ring.jwksPath))
        #expect(exported == published && exported == Data(set.bytes))
        #expect(try mode(output) == 0o644)
    }

    /// Eight writers at once, each in its own `KeyRing` (as separate sessionctl runs would be): the
    /// lock must serialise them so that no key is lost and exactly one ends up active.
    @Test func parallelGeneratesLoseNoKey() throws {
        let directory = ring.directory
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            let algorithm: JWSAlgorithm = index.isMultiple(of: 2) ? .es256 : .edDSA
            do {
                results.add(.success(try KeyRing(directory: directory).generate(algorithm).key.keyID))
            } catch {
                results.add(.failure(error))
            }
        }
        let keyIDs = try results.all.map { try $0.get() }
        #expect(Set(keyIDs).count == 8)
        let listed = try ring.list()
        #expect(Set(listed.map(\.keyID)) == Set(keyIDs))
        #expect(listed.filter(\.isActive).count == 1)
        #expect(Set(try publishedKeyIDs().compactMap { $0 }) == Set(keyIDs))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: ring.privateDirectory)
            .filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }
}

/// Results collected from concurrent workers.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [Result<String, any Error>] = []

    func add(_ result: Result<String, any Error>) {
        lock.lock()
        collected.append(result)
        lock.unlock()
    }

    var all: [Result<String, any Error>] {
        lock.lock()
        defer { lock.unlock() }
        return collected
    }
}
