#!/usr/bin/env bash
# Builds and runs the libFuzzer targets in Fuzz/ (issue 7): the code of SessionAuthCore that reads client
# input inside the broker (where any Swift trap kills the broker) and decides logins and access from it.
#
#     scripts/fuzz.sh [SECONDS] [TARGET...]      # default: $FUZZ_SECONDS or 60 s, every target
#     make fuzz        (60 s per target)          FUZZ_SECONDS=600 make fuzz
#     make fuzz-smoke  (10 s per target)
#
# Targets: token-front-end (Fuzz/TokenFrontEnd), topic-matching (Fuzz/TopicMatching), options (Fuzz/Options),
# login (Fuzz/Login). `make test` runs every target for 10 s after the test suite.
# Each is compiled by swiftc straight from Sources/SessionAuthCore/*.swift plus its main.swift, as one
# module (so the target does not `import SessionAuthCore` and sees its internal members), with
# -sanitize=fuzzer,address, into .build-fuzz/ — SwiftPM is not involved.
# A target is rebuilt only when a source is newer than its binary. The swiftc must support libFuzzer
# (swift.org's Linux toolchains do; Xcode's does not): a one-line probe checks it first, once per toolchain.
#
# Each run starts from a temporary copy of Fuzz/corpus/<target>/ (the committed seeds never grow), with
# -timeout=5 -rss_limit_mb=2048, niced (FUZZ_NICE, default 10). Logs: .build-fuzz/logs/<target>.log.
# A crash, a timeout or an out-of-memory leaves its input in .build-fuzz/artifacts/ and makes the script
# exit 1 after the remaining targets have run. To reproduce and minimise one (SWIFT_BACKTRACE=enable=no, as
# the runs here: the Swift backtracer and ASan trip over each other and bury the real cause):
#     SWIFT_BACKTRACE=enable=no .build-fuzz/<target> <input>
#     SWIFT_BACKTRACE=enable=no .build-fuzz/<target> -minimize_crash=1 -runs=100000 -exact_artifact_path=<out> <input>
# Environment: FUZZ_SECONDS, FUZZ_NICE, FUZZ_KEEP_CORPUS=1 (keep the grown corpus in .build-fuzz/corpus/),
# FUZZ_ARGS (extra libFuzzer flags), SWIFTC.
set -uo pipefail

cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-${FUZZ_SECONDS:-60}}"
shift $(( $# > 0 ? 1 : 0 ))
NICE="${FUZZ_NICE:-10}"
SWIFTC="${SWIFTC:-swiftc}"
OUT=.build-fuzz

declare -A FOLDER=([token-front-end]=TokenFrontEnd [topic-matching]=TopicMatching [options]=Options [login]=Login)
declare -A MAX_LEN=([token-front-end]=9000 [topic-matching]=4096 [options]=4096 [login]=4096)
ALL=(token-front-end topic-matching options login)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")

case "$SECONDS_PER_TARGET" in '' | *[!0-9]* | 0) echo "fuzz: seconds must be a whole number >= 1 (libFuzzer takes 0 as forever)" >&2; exit 2 ;; esac
for target in "${TARGETS[@]}"; do
    [ -n "${FOLDER[$target]:-}" ] || { echo "fuzz: unknown target '$target' (${ALL[*]})" >&2; exit 2; }
done
command -v "$SWIFTC" >/dev/null || { echo "fuzz: $SWIFTC is not on PATH" >&2; exit 2; }
mkdir -p "$OUT/logs" "$OUT/artifacts"

# Fails with one clear line when this swiftc cannot link libFuzzer and ASan (rather than a compiler
# error from the first target). Remembered per compiler binary.
probe() {
    local compiler marker=$OUT/.probe-ok
    compiler=$(readlink -f "$(command -v "$SWIFTC")")
    [ -f "$marker" ] && [ "$(cat "$marker")" = "$compiler" ] && [ "$marker" -nt "$compiler" ] && return 0
    printf '@_cdecl("LLVMFuzzerTestOneInput")\npublic func probe(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt { 0 }\n' \
        >"$OUT/probe.swift"
    if ! nice -n "$NICE" "$SWIFTC" -sanitize=fuzzer,address -parse-as-library -use-ld=lld "$OUT/probe.swift" \
        -o "$OUT/probe" >"$OUT/logs/probe.log" 2>&1; then
        echo "fuzz: $compiler cannot build libFuzzer targets (-sanitize=fuzzer,address, lld); see $OUT/logs/probe.log" >&2
        exit 2
    fi
    echo "$compiler" >"$marker"
}

build() {
    local target=$1 folder=${FOLDER[$1]} binary=$OUT/$1
    local sources=(Sources/SessionAuthCore/*.swift "Fuzz/$folder/main.swift")
    # The script too: a change of flags here must rebuild.
    if [ -x "$binary" ] && [ -z "$(find "${sources[@]}" "$0" -newer "$binary" 2>/dev/null | head -1)" ]; then
        return 0
    fi
    echo "fuzz: building $target"
    # -O keeps Swift's overflow, bounds and unwrap checks (only -Ounchecked drops them); -g gives lines.
    # lld: gold prints a warning per ASan assembly symbol.
    nice -n "$NICE" "$SWIFTC" -sanitize=fuzzer,address -parse-as-library -O -g -use-ld=lld \
        -module-name "Fuzz${folder}" "${sources[@]}" -o "$binary"
}

run() {
    local target=$1 corpus log status
    corpus=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$target.XXXXXX")
    cp -R "Fuzz/corpus/$target/." "$corpus/" 2>/dev/null || true
    log=$OUT/logs/$target.log
    echo "fuzz: running $target for ${SECONDS_PER_TARGET}s (log: $log)"
    # The Swift runtime's backtracer would catch the trap first and trip ASan while it reads the stack;
    # libFuzzer's own handler then reports the real cause (the fatalError line) and writes the input.
    # shellcheck disable=SC2086
    SWIFT_BACKTRACE=enable=no nice -n "$NICE" "$OUT/$target" "$corpus" \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=5 -rss_limit_mb=2048 -max_len="${MAX_LEN[$target]}" \
        -dict="Fuzz/dict/$target.dict" -artifact_prefix="$OUT/artifacts/$target-" -print_final_stats=1 \
        ${FUZZ_ARGS:-} >"$log" 2>&1
    status=$?
    # The last status line (cov, ft, corp, exec/s) and the run's totals.
    grep -E '^#[0-9]+' "$log" | tail -1 | sed 's/^/  /'
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" | sed 's/^/  /'
    if [ "$status" -ne 0 ]; then
        echo "fuzz: $target FAILED (exit $status):"
        grep -E 'ERROR: libFuzzer|Fatal error|invariant:|SUMMARY|Test unit written to' "$log" | head -10 | sed 's/^/  /'
    fi
    if [ "${FUZZ_KEEP_CORPUS:-0}" = 1 ]; then
        mkdir -p "$OUT/corpus/$target" && cp -R "$corpus/." "$OUT/corpus/$target/"
    fi
    rm -rf "$corpus"
    return "$status"
}

failed=()
probe
for target in "${TARGETS[@]}"; do
    build "$target" || { echo "fuzz: $target did not build" >&2; exit 2; }
done
for target in "${TARGETS[@]}"; do
    run "$target" || failed+=("$target")
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: failures in ${failed[*]}; inputs in $OUT/artifacts/" >&2
    exit 1
fi
echo "fuzz: no crashes (${SECONDS_PER_TARGET}s per target: ${TARGETS[*]})"
