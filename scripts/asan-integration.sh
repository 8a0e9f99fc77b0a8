#!/usr/bin/env bash
# `make asan`: the integration suite against a plugin built with AddressSanitizer (issue 7).
#
# The plugin is built in debug with -sanitize=address into its own scratch path (.build-asan, or
# $ASAN_SCRATCH), with the release link flags (static Swift runtime, the three exported entry points,
# -z nodelete), and copied to build-asan/mosquitto_session_auth.so beside a copy of build/sessionctl.
# Mosquitto itself is not instrumented, so each test broker gets the toolchain's ASan runtime preloaded
# (SESSION_AUTH_BROKER_ENV, read by Tests/IntegrationTests/Broker.swift; the test runner, sessionctl and
# mosquitto_pub/sub run without it). The scripts/run-demo.sh broker of DemoTests starts mosquitto itself
# and runs build/'s release plugin without ASan.
#
# ASAN_OPTIONS: reports go to build-asan/reports/asan.<pid> (log_path); halt on the first error (the
# broker dies, so its test fails too); leak detection off: the broker is not instrumented and its own
# allocations, still held at exit, would be reported with the broker's main() in every stack, where a
# suppression cannot tell them from the plugin's (leaks are the job of `make valgrind` and `make soak`).
# handle_sigill/handle_abort: a Swift trap in the plugin (ud2, SIGILL) or an abort gets a report with its
# stack too. atexit=1 makes every broker that exits normally write its ASan statistics, which proves the
# runtime was loaded in it: the script counts them.
#
# Fails when any report holds an ASan error (whatever module it is in) or mentions the plugin, or when
# the suite fails. Environment: SWIFT, ASAN_SCRATCH, PLUGIN_LINK_FLAGS (from the Makefile),
# SWIFT_TEST_FLAGS (extra `swift test` flags, e.g. --scratch-path DIR or --skip REGEX), TEST_FILTER
# (default IntegrationSuite; e.g. SessionLifecycleTests for one suite).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SWIFT="${SWIFT:-swift}"
SCRATCH="${ASAN_SCRATCH:-.build-asan}"
OUT=build-asan
REPORTS=$ROOT/$OUT/reports
LINK_FLAGS="${PLUGIN_LINK_FLAGS:--Xswiftc -static-stdlib -Xlinker --version-script=$ROOT/scripts/plugin-exports.map -Xlinker -z -Xlinker nodelete}"

fail() { echo "asan: $*" >&2; exit 1; }

[ -x build/sessionctl ] || fail "build/sessionctl is missing: run 'make build' first"
TOOLCHAIN_BIN=$(dirname "$(readlink -f "$(command -v "$SWIFT")")")
RUNTIME=$(readlink -f "$TOOLCHAIN_BIN/../lib/swift/clang/lib/linux/libclang_rt.asan-x86_64.so")
SYMBOLIZER=$TOOLCHAIN_BIN/llvm-symbolizer
[ -f "$RUNTIME" ] || fail "no ASan runtime at $RUNTIME (the Swift toolchain's clang runtime)"

echo "asan: building the plugin with -sanitize=address (debug) in $SCRATCH"
# shellcheck disable=SC2086 # LINK_FLAGS is a list of flags
"$SWIFT" build -c debug --scratch-path "$SCRATCH" -Xswiftc -sanitize=address $LINK_FLAGS \
    --product mosquitto_session_auth || fail "the ASan build failed"
BIN=$("$SWIFT" build -c debug --scratch-path "$SCRATCH" --show-bin-path)
mkdir -p "$OUT"
cp "$BIN/libmosquitto_session_auth.so" "$OUT/mosquitto_session_auth.so"
cp build/sessionctl "$OUT/sessionctl"

exported=$(nm -D --defined-only "$OUT/mosquitto_session_auth.so" | awk '$2 ~ /^[A-Z]$/ {print $3}' | sort | tr '\n' ' ')
[ "$exported" = "mosquitto_plugin_cleanup mosquitto_plugin_init mosquitto_plugin_version " ] ||
    fail "$OUT/mosquitto_session_auth.so exports '$exported', not exactly the three entry points"
nm -D --undefined-only "$OUT/mosquitto_session_auth.so" | grep ' __asan_init$' >/dev/null ||
    fail "$OUT/mosquitto_session_auth.so is not instrumented (no __asan_init)"

rm -rf "$REPORTS"
mkdir -p "$REPORTS"
chmod 1777 "$REPORTS" # the installed-plugin test's broker runs as user mosquitto
asan_options() {
    echo "log_path=$1/asan:detect_leaks=0:halt_on_error=1:abort_on_error=0:handle_sigill=1:handle_abort=1:atexit=1:symbolize=1:external_symbolizer_path=$SYMBOLIZER"
}
export SESSION_AUTH_BROKER_ENV="LD_PRELOAD=$RUNTIME ASAN_OPTIONS=$(asan_options "$REPORTS")"
export SESSION_AUTH_BUILD_DIR=$ROOT/$OUT

# One broker with the ASan plugin first, outside the suite: the runtime loads, the plugin initialises and
# stops the broker with its one line on a bad option.
preflight=$(mktemp -d)
printf 'listener 0 127.0.0.1\nallow_anonymous false\nuser %s\nlog_dest stderr\nplugin %s\nplugin_opt_no_such_option 1\n' \
    "$(id -un)" "$ROOT/$OUT/mosquitto_session_auth.so" >"$preflight/mosquitto.conf"
env LD_PRELOAD="$RUNTIME" ASAN_OPTIONS="$(asan_options "$preflight")" \
    /usr/sbin/mosquitto -c "$preflight/mosquitto.conf" >"$preflight/out" 2>&1
grep -q "unknown option 'no_such_option'" "$preflight/out" ||
    fail "a broker with the ASan plugin did not start as expected: $(cat "$preflight/out")"
ls "$preflight"/asan.* >/dev/null 2>&1 || fail "the preloaded ASan runtime wrote no statistics: is it active?"
rm -rf "$preflight"

FILTER="${TEST_FILTER:-IntegrationSuite}"
echo "asan: swift test --filter $FILTER with brokers under ASan (reports: $REPORTS)"
# shellcheck disable=SC2086 # SWIFT_TEST_FLAGS is a list of flags
"$SWIFT" test ${SWIFT_TEST_FLAGS:-} --filter "$FILTER"
suite=$?

brokers=0
errors=()
plugin=()
for report in "$REPORTS"/asan.*; do
    [ -e "$report" ] || continue
    grep -q 'Stats: ' "$report" && brokers=$((brokers + 1))
    if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|WARNING: AddressSanitizer|SUMMARY: AddressSanitizer' "$report"; then
        errors+=("$report")
    fi
    grep -q 'mosquitto_session_auth' "$report" && plugin+=("$report")
done

echo
echo "asan: $brokers brokers ran with the ASan runtime and exited normally (statistics in $REPORTS)"
echo "asan: reports with an ASan error: ${#errors[@]}; reports mentioning the plugin: ${#plugin[@]}"
for report in $(printf '%s\n' "${errors[@]}" "${plugin[@]}" | sort -u); do
    echo "--- $report"
    grep -E 'ERROR:|SUMMARY:|#[0-9]+ ' "$report" | head -40
done
[ "$suite" -eq 0 ] || fail "the integration suite failed under ASan (exit $suite)"
[ "$brokers" -gt 0 ] || fail "no broker ran with the ASan runtime"
[ ${#errors[@]} -eq 0 ] && [ ${#plugin[@]} -eq 0 ] || fail "ASan reported errors; see above and $REPORTS"
echo "asan: PASS"
