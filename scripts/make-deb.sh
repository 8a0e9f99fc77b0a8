#!/usr/bin/env bash
# `make deb`: a Debian package of build/'s files, made with dpkg-deb alone (no network, no debhelper).
# It installs what `make install PREFIX=/usr` does — the plugin beside Mosquitto's own plugins, sessionctl,
# its completions, the example config as a conffile — and its postinst makes the store's folder and, the
# first time, a store with a signing key (see the maintainer scripts below for what each step does and why).
#
# VERSION (default 0.1.0) is the package version; MAINTAINER the Maintainer field. The result is
# build/mosquitto-session-auth_<VERSION>_<arch>.deb (DEB_OUTPUT_DIR instead of build/). DEB_COMPRESSION is
# xz (the default, Debian's: 17 MB, ~40 s of one core), gzip (25 MB, ~13 s; what the test uses) or none.
#
# The Swift runtime is linked into both binaries, so the package depends only on mosquitto and the system
# libraries they load; the script refuses to build a package whose binaries need anything else (a Swift
# runtime library, say).
#
# Installing and removing it (the maintainer scripts below):
# - configure: /var/lib/mosquitto-session-auth is made 0750 and given to the broker's user if it does not
#   exist; on first install `sessionctl init` makes the store and a signing key there. An existing folder
#   or store is never touched, so an upgrade keeps the operator's sessions and keys (after an upgrade that
#   changes the schema, run `sessionctl init` to migrate the store, then restart mosquitto).
# - remove and purge delete the package's files, never the store or the keys: purge removes the folder
#   only when it is empty, and says so when it keeps it. Nothing is restarted: the broker loads the plugin
#   only once the operator copies the example config to a .conf.
# - $DPKG_ROOT: every path in the scripts is under it, so `dpkg --root=DIR --force-script-chrootless`
#   installs into DIR without touching the running system (the package's test does that).
set -euo pipefail
cd "$(dirname "$0")/.."

package=mosquitto-session-auth
version="${VERSION:-0.1.0}"
maintainer="${MAINTAINER:-mosquitto-session-auth maintainers <maintainers@localhost>}"
arch="$(dpkg --print-architecture)"
multiarch="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch 2>/dev/null ||
    echo x86_64-linux-gnu)"
plugin_dir="/usr/lib/$multiarch"
output_dir="${DEB_OUTPUT_DIR:-build}"
output="$output_dir/${package}_${version}_${arch}.deb"
compression="${DEB_COMPRESSION:-xz}"

fail() { echo "make-deb: $*" >&2; exit 1; }

# Debian policy 5.6.12: an upstream version starts with a digit; no epoch or revision here.
case "$compression" in xz|gzip|none) ;; *) fail "DEB_COMPRESSION '$compression' is not xz, gzip or none" ;; esac
[[ "$version" =~ ^[0-9][A-Za-z0-9.+~]*(-[A-Za-z0-9.+~]+)?$ ]] || fail "VERSION '$version' is not a Debian version"
for built in build/mosquitto_session_auth.so build/sessionctl; do
    [ -f "$built" ] || fail "$built is missing; run 'make' first"
done
command -v dpkg-deb >/dev/null || fail "dpkg-deb is missing (package dpkg)"

# The shared libraries the binaries load, each mapped to the Debian package that ships it. Anything not
# on this list (libswiftCore.so from a toolchain, a library from /usr/local) stops the build: the
# package must install on a machine that has Debian's mosquitto and nothing else.
allowed_packages="libc6 libgcc-s1 libssl3 libsqlite3-0 libstdc++6"
# dpkg records a file under the path its package ships it at, /lib or /usr/lib (merged /usr).
package_of() {
    local candidate owner
    for candidate in "$1" "$(readlink -f "$1")" "${1#/usr}" "/usr$1"; do
        owner="$(dpkg-query -S "$candidate" 2>/dev/null | head -n1 | cut -d: -f1)" || true
        [ -n "$owner" ] && { echo "$owner"; return 0; }
    done
    return 1
}
for binary in build/mosquitto_session_auth.so build/sessionctl; do
    if ldd "$binary" | grep -q 'not found'; then
        fail "$binary needs a library this machine lacks: $(ldd "$binary" | grep 'not found')"
    fi
    while read -r library; do
        owner="$(package_of "$library")" || fail "$binary loads $library, which no Debian package ships"
        case " $allowed_packages " in
        *" $owner "*) ;;
        *) fail "$binary loads $library from package $owner, which is not an allowed dependency ($allowed_packages)" ;;
        esac
    done < <(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
done

work="$(mktemp -d "${TMPDIR:-/tmp}/make-deb.XXXXXX")"
trap 'rm -rf "$work"' EXIT
tree="$work/$package"
mkdir -p "$tree/DEBIAN"

# The files, laid out as `make install PREFIX=/usr` lays them out.
install -D -m 0644 build/mosquitto_session_auth.so "$tree$plugin_dir/mosquitto_session_auth.so"
install -D -m 0755 build/sessionctl "$tree/usr/bin/sessionctl"
install -d -m 0755 "$tree/usr/share/bash-completion/completions" "$tree/usr/share/zsh/vendor-completions" \
    "$tree/usr/share/fish/vendor_completions.d"
build/sessionctl --generate-completion-script bash > "$tree/usr/share/bash-completion/completions/sessionctl"
build/sessionctl --generate-completion-script zsh > "$tree/usr/share/zsh/vendor-completions/_sessionctl"
build/sessionctl --generate-completion-script fish > "$tree/usr/share/fish/vendor_completions.d/sessionctl.fish"
install -d -m 0755 "$tree/etc/mosquitto/conf.d"
sed -e "s#^plugin .*#plugin $plugin_dir/mosquitto_session_auth.so#" \
    -e "s#^plugin_opt_db_path .*#plugin_opt_db_path /var/lib/$package/sessions.db#" \
    mosquitto.conf.example > "$tree/etc/mosquitto/conf.d/session-auth.conf.example"
install -d -m 0755 "$tree/usr/share/doc/$package"
install -m 0644 README.md "$tree/usr/share/doc/$package/README.md"
for guide in run-with-tokens rotate-keys define-a-profile migrate-from-acl-file-or-dynsec troubleshoot-a-refusal; do
    [ -f "docs/$guide.md" ] && install -m 0644 "docs/$guide.md" "$tree/usr/share/doc/$package/$guide.md"
done
find "$tree" -path "$tree/DEBIAN" -prune -o -type f -exec chmod go-w {} +

# Files under /etc are conffiles (policy 10.7.2): an operator's edit survives upgrades, and purge removes it.
echo "/etc/mosquitto/conf.d/session-auth.conf.example" > "$tree/DEBIAN/conffiles"

# Depends: dpkg-shlibdeps (dpkg-dev) gives each library's minimum version from the symbols the binaries
# use; without it, the same packages unversioned. mosquitto >= 2.0: the plugin speaks the v5 plugin API.
library_depends="libc6, libgcc-s1, libsqlite3-0, libssl3, libstdc++6"
if command -v dpkg-shlibdeps >/dev/null; then
    mkdir -p "$work/shlibs/debian"
    printf 'Source: %s\n\nPackage: %s\nArchitecture: %s\n' "$package" "$package" "$arch" > "$work/shlibs/debian/control"
    # Its warnings are about the $ORIGIN runpath SwiftPM writes, harmless here; errors still stop the build.
    computed="$(cd "$work/shlibs" && dpkg-shlibdeps -O -e"$tree$plugin_dir/mosquitto_session_auth.so" \
        -e"$tree/usr/bin/sessionctl" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')"
    [ -n "$computed" ] || fail "dpkg-shlibdeps found no dependencies"
    library_depends="$computed"
fi
case "$library_depends" in *swift*) fail "Depends would name a Swift package: $library_depends" ;; esac

installed_size="$(du -sk --exclude=DEBIAN "$tree" | cut -f1)"
cat > "$tree/DEBIAN/control" <<CONTROL
Package: $package
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_size
Depends: mosquitto (>= 2.0), $library_depends
Section: net
Priority: optional
Description: Mosquitto 2.0 auth/ACL plugin for private sessions, and sessionctl
 A Mosquitto plugin for private sessions: a session has a random id and a pin;
 whoever holds both may join (username = device name, password = ID:PIN), or
 logs in with a signed token (JWT), and members can only talk to members of the
 same session, within per-role topic rules. sessionctl creates and closes
 sessions, issues and revokes tokens, and manages the signing keys, in a SQLite
 store the plugin follows while the broker runs.
 .
 Nothing changes in the broker until the example configuration in
 /etc/mosquitto/conf.d/session-auth.conf.example is copied to a .conf file.
CONTROL

# postinst: the store's folder and, on first install, the store. $DPKG_ROOT is where the system lives:
# empty on a real install; set by dpkg when it installs into another root with --force-script-chrootless
# (the package's test installs it that way, into a temporary folder). The broker's user is looked up on
# the running system either way.
cat > "$tree/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e

root="${DPKG_ROOT:-}"
state="$root/var/lib/mosquitto-session-auth"
store="$state/sessions.db"
keys="$state/keys"
broker_user=mosquitto

# Only root can give files to the broker's user; mosquitto's own postinst made that user.
can_chown() {
    [ "$(id -u)" -eq 0 ] && getent passwd "$broker_user" >/dev/null
}

case "$1" in
configure)
    # The broker only reads the store, but SQLite's readers create the -shm file beside a WAL database,
    # so the folder is the broker user's; others get nothing (pin hashes and signing keys live there).
    # An existing folder is left as the operator set it.
    if [ ! -d "$state" ]; then
        mkdir -p "$state"
        chmod 0750 "$state"
        if can_chown; then
            chown "$broker_user:$broker_user" "$state"
        else
            echo "mosquitto-session-auth: not root or no user '$broker_user':" \
                "give $state to the broker's user yourself" >&2
        fi
    fi
    # A store the operator already has (an upgrade, a reinstall after remove) is never touched.
    if [ ! -e "$store" ]; then
        "$root/usr/bin/sessionctl" init --db "$store" >/dev/null
        # The store belongs to the broker's user: SQLite, run as root by sessionctl, creates the -wal
        # and -shm files with the owner and mode of the database file, and the broker must write -shm.
        # The keys folder stays root's: jwks.json is readable by the broker's group (0640 when it holds
        # an HMAC secret), private/ is 0700 and its keys 0600.
        if can_chown; then
            for file in "$store" "$store-wal" "$store-shm"; do
                [ -e "$file" ] || continue
                chown "$broker_user:$broker_user" "$file"
                chmod 0640 "$file"
            done
            if [ -e "$keys/jwks.json" ]; then chgrp "$broker_user" "$keys/jwks.json"; fi
        fi
        echo "mosquitto-session-auth: created the session store $store and a signing key in $keys"
    fi
    echo "mosquitto-session-auth: to load the plugin, copy /etc/mosquitto/conf.d/session-auth.conf.example"
    echo "  to /etc/mosquitto/conf.d/session-auth.conf (uncomment plugin_opt_jwt_keys for tokens)"
    echo "  and restart mosquitto."
    if [ -n "$2" ] && [ -e "$root/etc/mosquitto/conf.d/session-auth.conf" ]; then
        echo "mosquitto-session-auth: restart mosquitto to load the upgraded plugin."
    fi
    ;;
abort-upgrade|abort-remove|abort-deconfigure)
    ;;
*)
    echo "postinst called with unknown argument '$1'" >&2
    exit 1
    ;;
esac
exit 0
POSTINST

# postrm: the store's folder holds the operator's sessions and private signing keys, which nothing can
# recreate (every token signed with them would stop working): neither remove nor purge deletes them.
# Purge removes the folder only when it is empty and says what it kept.
cat > "$tree/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
set -e

root="${DPKG_ROOT:-}"
state="$root/var/lib/mosquitto-session-auth"
config="$root/etc/mosquitto/conf.d/session-auth.conf"

case "$1" in
remove)
    if [ -e "$config" ]; then
        echo "mosquitto-session-auth: $config still loads the removed plugin: mosquitto will not start" >&2
        echo "  until you remove or rename it." >&2
    fi
    ;;
purge)
    if [ -d "$state" ]; then
        rmdir --ignore-fail-on-non-empty "$state"
        if [ -d "$state" ]; then
            echo "mosquitto-session-auth: kept $state (the session store and signing keys);" \
                "remove it yourself if you mean to." >&2
        fi
    fi
    ;;
upgrade|failed-upgrade|abort-install|abort-upgrade|disappear)
    ;;
*)
    echo "postrm called with unknown argument '$1'" >&2
    exit 1
    ;;
esac
exit 0
POSTRM
chmod 0755 "$tree/DEBIAN/postinst" "$tree/DEBIAN/postrm"

(cd "$tree" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) \
    > "$tree/DEBIAN/md5sums"
chmod 0644 "$tree/DEBIAN/control" "$tree/DEBIAN/conffiles" "$tree/DEBIAN/md5sums"

mkdir -p "$output_dir"
dpkg-deb --root-owner-group -Z"$compression" --build "$tree" "$output" >/dev/null
echo "package: $output ($(du -k "$output" | cut -f1) KiB)"
echo "Depends: $(dpkg-deb --field "$output" Depends)"
