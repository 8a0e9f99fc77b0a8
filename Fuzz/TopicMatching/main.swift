// libFuzzer target: TopicFilter parsing, matches, covers and intersects.
// Compiled by scripts/fuzz.sh in ONE module with Sources/SessionAuthCore/*.swift (hence no import);
// test tooling only, never linked into the plugin. A failed invariant calls fatalError.
//
// The input is split at NUL bytes into (filter A, topic T, filter B). Besides T, each filter is also
// tested against a topic made from it by filling its wildcards with T's levels, which it must match:
// random topics rarely match random filters, and the implications below need matches to be true.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // The whole input as one filter: the only way a NUL reaches the parser.
    if let whole = TopicFilter(String(decoding: bytes, as: UTF8.self)) {
        invariant(!bytes.contains(0), "a filter with NUL parsed")
        _ = whole.matches(bytes: bytes)
    }

    let parts = bytes.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false).map { Array($0) }
    let textA = String(decoding: parts[0], as: UTF8.self)
    let topic = parts.count > 1 ? parts[1] : parts[0]
    let textB = parts.count > 2 ? String(decoding: parts[2], as: UTF8.self) : textA

    let a = TopicFilter(textA)
    let b = TopicFilter(textB)
    var topics = [topic]
    for filter in [a, b] {
        guard let filter else { continue }
        checkAlone(filter)
        if let made = instance(of: filter, filling: topic) {
            topics.append(made)
            invariant(filter.matches(bytes: made), "'\(filter)' does not match its own instance \(made)")
        }
    }
    // A topic name is also a filter that matches exactly itself.
    let topicText = String(decoding: topic, as: UTF8.self)
    if !topicText.isEmpty, topicText.utf8.count <= TopicFilter.maxLength, !topicText.utf8.contains(where: isForbidden) {
        guard let literal = TopicFilter(topicText) else { fatalError("invariant: topic '\(topicText)' is no filter") }
        invariant(literal.matches(topicText), "topic '\(topicText)' as a filter does not match itself")
        invariant(!literal.levels.contains(where: \.isWildcard), "a wildcard level in '\(topicText)'")
    }
    for t in topics {
        for filter in [a, b] { if let filter { checkMatchForms(filter, t) } }
    }
    if let a, let b { checkPair(a, b, topics) }
    return 0
}

private func invariant(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant: \(message())") }
}

private func isForbidden(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: "+") || byte == UInt8(ascii: "#") || byte == 0
}

/// Properties of one valid filter.
private func checkAlone(_ f: TopicFilter) {
    invariant(f.covers(f), "covers is not reflexive for '\(f)'")
    // Every valid filter matches some topic (fill `+` and `#` with `a`), so it intersects itself.
    invariant(f.intersects(f), "'\(f)' does not intersect itself")
    invariant(TopicFilter(f.description) == f, "'\(f)' does not parse back to itself")
    invariant(!f.levels.isEmpty, "no levels")
    if let hash = f.levels.firstIndex(of: .multiLevel) {
        invariant(hash == f.levels.count - 1, "'#' not last in '\(f)'")
    }
}

/// The three ways to call matches agree.
private func checkMatchForms(_ f: TopicFilter, _ topic: [UInt8]) {
    let byBytes = f.matches(bytes: topic)
    let bySpan = f.matches(span: topic.span)
    invariant(byBytes == bySpan, "matches(bytes:) != matches(span:) for '\(f)'")
    let text = String(decoding: topic, as: UTF8.self)
    invariant(f.matches(text) == f.matches(bytes: Array(text.utf8)), "matches(String) != matches(bytes:)")
    if byBytes {
        invariant(!topic.isEmpty, "'\(f)' matches the empty topic")
        invariant(!topic.contains(where: isForbidden), "'\(f)' matches a topic with + # or NUL")
    }
}

/// Implications between covers, intersects and matches that must hold whatever the filters.
private func checkPair(_ a: TopicFilter, _ b: TopicFilter, _ topics: [[UInt8]]) {
    let aCoversB = a.covers(b)
    let bCoversA = b.covers(a)
    let intersect = a.intersects(b)
    invariant(intersect == b.intersects(a), "intersects is not symmetric for '\(a)' and '\(b)'")
    // b matches at least one topic, which a then matches too.
    if aCoversB || bCoversA { invariant(intersect, "'\(a)' and '\(b)': one covers the other but no intersection") }
    // (Mutual cover does not imply equality: `#` and `+/#` match the same topics.)
    for t in topics {
        let am = a.matches(bytes: t)
        let bm = b.matches(bytes: t)
        if aCoversB && bm { invariant(am, "'\(a)' covers '\(b)', which matches \(t), but '\(a)' does not") }
        if bCoversA && am { invariant(bm, "'\(b)' covers '\(a)', which matches \(t), but '\(b)' does not") }
        if am && bm { invariant(intersect, "'\(a)' and '\(b)' both match \(t) but do not intersect") }
    }
}

/// A topic `f` must match: its literal levels kept, each `+` filled with a level of `source` (with
/// `/`, `+`, `#`, NUL removed) and `#` with the rest of them (possibly none: the parent).
/// Nil when that gives no topic, or one `f` rightly refuses (a `$` topic under a wildcard first level).
private func instance(of f: TopicFilter, filling source: [UInt8]) -> [UInt8]? {
    let fillers = source.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        .map { $0.filter { !isForbidden($0) } }
    var levels: [[UInt8]] = []
    for (position, level) in f.levels.enumerated() {
        switch level {
        case .literal(let bytes): levels.append(bytes)
        case .singleLevel: levels.append(position < fillers.count ? fillers[position] : [])
        case .multiLevel: if position < fillers.count { levels.append(contentsOf: fillers[position...]) }
        }
    }
    let topic = Array(levels.joined(separator: [UInt8(ascii: "/")]))
    guard !topic.isEmpty else { return nil }
    if f.levels[0].isWildcard, topic[0] == UInt8(ascii: "$") { return nil }
    return topic
}
