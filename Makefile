# The two commands a new user runs: `make run` (the product) and `make test` (every test).
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
test: build
	SESSION_AUTH_BUILD_DIR=$(CURDIR)/$(BUILD_DIR) $(SWIFT) test
	SWIFTC="$$(dirname "$$(readlink -f "$$(command -v $(SWIFT))")")/swiftc" scripts/fuzz.sh 10

# Micro-benchmarks; results and the command that produced them go in docs/PERFORMANCE.md.
bench: deps
	$(SWIFT) build -c release --product decision-bench
	$(SWIFT) build -c release --product reload-bench
	$(SWIFT) build -c release --product token-bench
	"$(RELEASE_BIN)/decision-bench"
	"$(RELEASE_BIN)/reload-bench"
	"$(RELEASE_BIN)/token-bench"

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
