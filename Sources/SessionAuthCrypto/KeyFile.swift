/// The contents of a configured key file: a JWKS (first non-whitespace byte `{`) or one or more PEM
/// public keys, each block one key without a kid. The plugin reads the file; this only interprets it.
///
/// Every PEM block must be a public key: a private key or certificate anywhere in the file refuses the
/// whole file (with what to give instead), rather than being skipped while its neighbours are used.
public enum KeyFile {
    public static func load(contents: [UInt8]) -> Result<[ConfiguredKey], KeySetError> {
        // A UTF-8 byte order mark, as some editors write, is not JSON (RFC 8259 §8.1) nor part of a PEM.
        let text = contents.starts(with: [0xef, 0xbb, 0xbf]) ? Array(contents.dropFirst(3)) : contents
        guard let first = text.first(where: { !isWhitespace($0) }) else { return .failure(.noKeys) }
        if first == UInt8(ascii: "{") { return JWKSet.keys(fromJSON: text) }

        var keys: [ConfiguredKey] = []
        for (offset, block) in pemBlocks(text).enumerated() {
            // `openssl ecparam -genkey` writes these beside a key; the key names its own curve.
            if block.starts(with: "-----BEGIN EC PARAMETERS-----".utf8) { continue }
            do {
                keys.append(ConfiguredKey(try VerificationKey(pem: block, keyID: nil)))
            } catch {
                return .failure(.invalidPEMBlock(number: offset + 1, error))
            }
        }
        guard !keys.isEmpty else { return .failure(.noKeys) }
        return .success(keys)
    }

    /// The text cut at each line that starts a PEM block: every piece holds one block and whatever
    /// follows it up to the next one. Text before the first block (comments) is dropped; OpenSSL ignores
    /// such text too.
    static func pemBlocks(_ text: [UInt8]) -> [[UInt8]] {
        let marker = Array("-----BEGIN ".utf8)
        var starts: [Int] = []
        var index = 0
        while index < text.count {
            let atLineStart = index == 0 || text[index - 1] == UInt8(ascii: "\n")
            if atLineStart, text[index...].starts(with: marker) {
                starts.append(index)
            }
            index += 1
        }
        var blocks: [[UInt8]] = []
        for (position, start) in starts.enumerated() {
            let end = position + 1 < starts.count ? starts[position + 1] : text.count
            blocks.append(Array(text[start..<end]))
        }
        return blocks
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d
    }
}
