#!/usr/bin/env bash
# `make run`: a demo store with one session, and Mosquitto in the foreground with the plugin on localhost.
set -euo pipefail
cd "$(dirname "$0")/.."

port="${PORT:-1883}"
demo="${DEMO_DIR:-$PWD/demo}"
db="$demo/sessions.db"
mkdir -p "$demo"

build/sessionctl init --db "$db" >/dev/null
session_json=$(build/sessionctl create --db "$db" --label "make run demo" --json)
id=$(printf '%s' "$session_json" | sed -E 's/.*"id":"([^"]+)".*/\1/')
pin=$(printf '%s' "$session_json" | sed -E 's/.*"pin":"([^"]+)".*/\1/')

cat > "$demo/mosquitto.conf" <<CONF
# Written by 'make run'. See mosquitto.conf.example for every plugin option.
per_listener_settings false
listener $port 127.0.0.1
allow_anonymous false
persistence false
# Stay the user who ran 'make run' (as root, mosquitto would switch to user mosquitto,
# which cannot open the demo store's files).
user $(id -un)
log_dest stdout
log_type error
log_type warning
log_type notice
log_type information
plugin $PWD/build/mosquitto_session_auth.so
plugin_opt_db_path $db
plugin_opt_jwt_keys $demo/keys/jwks.json
CONF

cat <<TEXT

Session $id is open, pin $pin (store: $db).

In another terminal, subscribe as device 'sensor1':
  mosquitto_sub -h 127.0.0.1 -p $port -u sensor1 -P '$id:$pin' -i sensor1 -t '$id/#' -v

and publish as device 'sensor2':
  mosquitto_pub -h 127.0.0.1 -p $port -u sensor2 -P '$id:$pin' -i sensor2 -t '$id/hello' -m 'hello from sensor2'

Outside the session's root the broker refuses (and logs why):
  mosquitto_pub -h 127.0.0.1 -p $port -u sensor2 -P '$id:$pin' -i sensor2 -t 'elsewhere/hello' -m 'denied'

A token instead of the pin (the device's name is the token's sub):
  TOKEN=\$(build/sessionctl join --db $db $id $pin --device sensor3 --json | sed -E 's/.*"token":"([^"]+)".*/\\1/')
  mosquitto_pub -h 127.0.0.1 -p $port -u sensor3 -P "\$TOKEN" -i sensor3 -t '$id/hello' -m 'hello with a token'

More sessions: build/sessionctl create --db $db    Close this one: build/sessionctl close --db $db $id

Starting mosquitto on 127.0.0.1:$port (Ctrl-C stops it)...
TEXT
exec mosquitto -c "$demo/mosquitto.conf"
