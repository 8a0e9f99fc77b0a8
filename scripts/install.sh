#!/usr/bin/env bash
# `make install` / `make uninstall`: puts the built plugin next to Mosquitto's own plugins (where Debian
# keeps mosquitto_dynamic_security.so), sessionctl on the PATH, its shell completions, an example
# config in /etc/mosquitto/conf.d/ (named *.example, so the broker does not load it until the operator
# copies it to a .conf), and the store's folder, owned by the broker's user.
#
# Honours DESTDIR (staging root, for packages), PREFIX (default /usr/local, for sessionctl),
# PLUGIN_DIR (default /usr/lib/<multiarch>), SYSCONFDIR (/etc), STATEDIR (/var/lib).
set -euo pipefail
cd "$(dirname "$0")/.."

action="${1:-install}"
destdir="${DESTDIR:-}"
prefix="${PREFIX:-/usr/local}"
multiarch="$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)"
plugin_dir="${PLUGIN_DIR:-/usr/lib/$multiarch}"
sysconfdir="${SYSCONFDIR:-/etc}"
statedir="${STATEDIR:-/var/lib}"
broker_user="${BROKER_USER:-mosquitto}"

plugin="$destdir$plugin_dir/mosquitto_session_auth.so"
cli="$destdir$prefix/bin/sessionctl"
example="$destdir$sysconfdir/mosquitto/conf.d/session-auth.conf.example"
store_dir="$destdir$statedir/mosquitto-session-auth"
bash_completion="$destdir$prefix/share/bash-completion/completions/sessionctl"
zsh_completion="$destdir$prefix/share/zsh/vendor-completions/_sessionctl"
fish_completion="$destdir$prefix/share/fish/vendor_completions.d/sessionctl.fish"

case "$action" in
install)
    for built in build/mosquitto_session_auth.so build/sessionctl; do
        [ -f "$built" ] || { echo "install: $built is missing; run 'make' first" >&2; exit 1; }
    done
    install -D -m 0644 build/mosquitto_session_auth.so "$plugin"
    install -D -m 0755 build/sessionctl "$cli"
    mkdir -p "$(dirname "$bash_completion")" "$(dirname "$zsh_completion")" "$(dirname "$fish_completion")"
    build/sessionctl --generate-completion-script bash > "$bash_completion"
    build/sessionctl --generate-completion-script zsh > "$zsh_completion"
    build/sessionctl --generate-completion-script fish > "$fish_completion"
    mkdir -p "$(dirname "$example")"
    sed -e "s#^plugin .*#plugin $plugin_dir/mosquitto_session_auth.so#" \
        -e "s#^plugin_opt_db_path .*#plugin_opt_db_path $statedir/mosquitto-session-auth/sessions.db#" \
        mosquitto.conf.example > "$example"
    chmod 0644 "$example"
    # The broker only reads the store, but SQLite's readers create the -shm file beside a WAL
    # database: the folder must be the broker user's. Others get nothing (pin hashes live there).
    install -d -m 0750 "$store_dir"
    if [ "$(id -u)" -eq 0 ] && getent passwd "$broker_user" >/dev/null; then
        chown "$broker_user:$broker_user" "$store_dir"
    else
        echo "install: not root or no user '$broker_user': chown $store_dir to the broker's user yourself" >&2
    fi
    echo "installed: $plugin, $cli, $example, $store_dir"
    echo "next: sessionctl init --db $statedir/mosquitto-session-auth/sessions.db (as '$broker_user' or root), then"
    echo "      cp $sysconfdir/mosquitto/conf.d/session-auth.conf.example $sysconfdir/mosquitto/conf.d/session-auth.conf"
    ;;
uninstall)
    rm -f "$plugin" "$cli" "$example" "$bash_completion" "$zsh_completion" "$fish_completion"
    # The store holds the operator's sessions: the folder goes only when it is empty.
    if [ -d "$store_dir" ] && ! rmdir "$store_dir" 2>/dev/null; then
        echo "uninstall: kept $store_dir (it holds a store; remove it yourself if you mean to)" >&2
    fi
    echo "uninstalled"
    ;;
*)
    echo "usage: $0 install|uninstall" >&2
    exit 64
    ;;
esac
