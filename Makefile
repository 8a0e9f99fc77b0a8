# The two commands a new user runs: `make run` (the product) and `make test` (every test).
SHELL := /bin/bash
SWIFT ?= swift
BUILD_DIR := build
PLUGIN := $(BUILD_DIR)/mosquitto_session_auth.so
CLI := $(BUILD_DIR)/sessionctl
RELEASE_BIN = $(shell $(SWIFT) build -c release --show-bin-path)

# The plugin links the Swift runtime statically (the broker host needs no Swift), exports only the
# three entry points, and is never unloaded (-z nodelete: Swift code must not be unmapped).
PLUGIN_LINK_FLAGS := -Xswiftc -static-stdlib \
	-Xlinker --version-script=$(CURDIR)/scripts/plugin-exports.map -Xlinker -z -Xlinker nodelete

.PHONY: all build deps run test bench fuzz fuzz-smoke soak asan valgrind install uninstall deb clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release -Xswiftc -static-stdlib --product sessionctl
	$(SWIFT) build -c release $(PLUGIN_LINK_FLAGS) --product mosquitto_session_auth
	@mkdir -p $(BUILD_DIR)
	@cp "$(RELEASE_BIN)/libmosquitto_session_auth.so" $(PLUGIN)
	@strip --strip-unneeded $(PLUGIN)
	@cp "$(RELEASE_BIN)/sessionctl" $(CLI)
	@strip $(CLI)
	@echo "plugin: $(PLUGIN) ($$(du -k $(PLUGIN) | cut -f1) KiB); runtime dependencies:"
	@ldd $(PLUGIN) | sed 's/^/  /'

run: build
	@scripts/run-demo.sh

# Unit tests, C-ABI tests against broker stubs, and integration tests against a real mosquitto
# started on a free loopback port with $(PLUGIN).
# A failing run ends with the names of the failed tests and their issues, so a log's tail says what failed.
test: build
	@set -o pipefail; SESSION_AUTH_BUILD_DIR=$(CURDIR)/$(BUILD_DIR) $(SWIFT) test 2>&1 | tee $(BUILD_DIR)/test.log || { \
		echo "== failed tests and their issues (full log: $(BUILD_DIR)/test.log) =="; \
		grep -E "✘|recorded an issue|: error: " $(BUILD_DIR)/test.log | tail -60; exit 1; }
	SWIFTC="$$(dirname "$$(readlink -f "$$(command -v $(SWIFT))")")/swiftc" scripts/fuzz.sh 10

# Benchmarks (docs/PERFORMANCE.md): the decision, store-change and token micro-benchmarks, then
# Benchmarks/compare.py: this plugin side by side with no auth, password_file + acl_file and dynamic
# security on the real broker (CPU 0) under the C load generator Tools/LoadGen (CPU 1), with callgrind.
# Quick subset by default (1,000 devices, ES256 tokens, about 20 min); `make bench FULL=1` (about 75 min)
# runs the full matrix (1,000 and 100,000 devices, RS256/ES256/EdDSA/HS256); REPS=9 for more interleaved
# repetitions than 5 (FULL=1 REPS=9: about 2 h). Writes docs/PERFORMANCE.md's comparison.
# The same swiftc flags as `build`: other flags in the shared .build would relink sessionctl against the
# shared Swift runtime on the next `make build`, and the Debian package refuses such a binary.
BENCH_FLAGS := -Xswiftc -static-stdlib
CLANG = $(shell dirname "$$(readlink -f "$$(command -v $(SWIFT))")")/clang
LOADGEN := $(BUILD_DIR)/mqtt-load
bench: build
	@scripts/install-deps.sh valgrind python3 openssl util-linux
	$(SWIFT) build -c release $(BENCH_FLAGS) --product decision-bench
	$(SWIFT) build -c release $(BENCH_FLAGS) --product reload-bench
	$(SWIFT) build -c release $(BENCH_FLAGS) --product token-bench
	$(SWIFT) build -c release $(BENCH_FLAGS) --product bench-provision
	$(CLANG) -O2 -Wall -Wextra -std=gnu11 -o $(LOADGEN) Tools/LoadGen/mqtt-load.c -lm
	"$(RELEASE_BIN)/decision-bench"
	"$(RELEASE_BIN)/reload-bench"
	"$(RELEASE_BIN)/token-bench"
	python3 Benchmarks/compare.py $(if $(FULL),--full) $(if $(REPS),--reps $(REPS)) \
		--plugin $(PLUGIN) --sessionctl $(CLI) --provision "$(RELEASE_BIN)/bench-provision" --load $(LOADGEN) \
		--decision "$(RELEASE_BIN)/decision-bench"

# libFuzzer targets for the parsers of client input (Fuzz/, scripts/fuzz.sh): built by swiftc into
# .build-fuzz/, outside SwiftPM. FUZZ_SECONDS=600 make fuzz for a longer run; fuzz-smoke is 10 s each.
FUZZ_SECONDS ?= 60
fuzz:
	scripts/fuzz.sh $(FUZZ_SECONDS)

fuzz-smoke:
	scripts/fuzz.sh 10

# Churn and starvation against the real broker with build/'s plugin (Tools/Soak): SOAK_CYCLES
# connect/auth/publish-subscribe/disconnect cycles on 4 threads while sessions are created and closed,
# then 20 s of bad-login flood; every decision checked, the broker's RSS compared before and after.
SOAK_CYCLES ?= 20000
soak: build
	$(SWIFT) build -c release --product soak
	"$(RELEASE_BIN)/soak" --build-dir $(CURDIR)/$(BUILD_DIR) --cycles $(SOAK_CYCLES)

# The integration suite with every test broker under AddressSanitizer (a debug plugin built with
# -sanitize=address in .build-asan/, run from build-asan/) or valgrind's memcheck (build/'s plugin, run
# from build-valgrind/); each fails on an error in the plugin. See scripts/asan-integration.sh and
# scripts/valgrind-integration.sh.
asan: build
	PLUGIN_LINK_FLAGS="$(PLUGIN_LINK_FLAGS)" scripts/asan-integration.sh

valgrind: build
	scripts/valgrind-integration.sh

# Installs build/'s files (building them only when missing): PREFIX (/usr/local) for sessionctl and
# its completions, the plugin beside Mosquitto's own plugins, DESTDIR for staging. See scripts/install.sh.
$(PLUGIN) $(CLI):
	$(MAKE) build

install: $(PLUGIN) $(CLI)
	@scripts/install.sh install

uninstall:
	@scripts/install.sh uninstall

# A Debian package of build/'s files with dpkg-deb (no network): build/mosquitto-session-auth_$(VERSION)_amd64.deb,
# depending on mosquitto and system libraries only. See scripts/make-deb.sh.
VERSION ?= 0.1.0
deb: $(PLUGIN) $(CLI)
	@VERSION=$(VERSION) scripts/make-deb.sh

clean:
	rm -rf $(BUILD_DIR) .build .build-fuzz .build-asan build-asan build-valgrind
