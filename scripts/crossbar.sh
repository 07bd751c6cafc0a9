#!/usr/bin/env bash
# Starts or stops the Crossbar.io node the interop tests use, on 127.0.0.1.
#
#   bash scripts/crossbar.sh start   # writes the node dir, starts crossbar, waits for its listeners
#   bash scripts/crossbar.sh stop
#
# WAMP_CROSSBAR_DIR (default /tmp/wamp-rs-crossbar) holds the node; its interop.json tells the tests
# where each listener is. WAMP_CROSSBAR_PORT_BASE (default 18080) is the first of seven ports.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
node="${WAMP_CROSSBAR_DIR:-/tmp/wamp-rs-crossbar}"
base="${WAMP_CROSSBAR_PORT_BASE:-18080}"
eval "$(bash "$here/install-peers.sh" | grep '^WAMP_PEERS_')"

case "${1:-}" in
  start)
    if [ -f "$node/crossbar.pid" ] && kill -0 "$(cat "$node/crossbar.pid")" 2>/dev/null; then
      echo "crossbar already running in $node" >&2; exit 0
    fi
    rm -rf "$node"; mkdir -p "$node"
    "$WAMP_PEERS_PYTHON" "$root/interop/crossbar/make_config.py" "$node" "$base"
    "$WAMP_PEERS_CROSSBAR" start --cbdir "$node/.crossbar" --loglevel warn > "$node/crossbar.log" 2>&1 &
    echo $! > "$node/crossbar.pid"
    ports=$("$WAMP_PEERS_PYTHON" -c "import json;print(' '.join(map(str,json.load(open('$node/interop.json'))['ports'])))")
    for _ in $(seq 1 120); do
      up=1
      for p in $ports; do
        (exec 3<>/dev/tcp/127.0.0.1/"$p") 2>/dev/null || { up=0; break; }
      done
      if [ "$up" = 1 ] && [ -S "$node/rawsocket.sock" ]; then echo "crossbar is up in $node" >&2; exit 0; fi
      if ! kill -0 "$(cat "$node/crossbar.pid")" 2>/dev/null; then
        echo "crossbar exited; its log:" >&2; tail -50 "$node/crossbar.log" >&2; exit 1
      fi
      sleep 0.5
    done
    echo "crossbar did not open its listeners within 60 s; its log:" >&2; tail -50 "$node/crossbar.log" >&2
    exit 1
    ;;
  stop)
    if [ -d "$node/.crossbar" ]; then
      timeout 30 "$WAMP_PEERS_CROSSBAR" stop --cbdir "$node/.crossbar" >/dev/null 2>&1 || true
    fi
    if [ -f "$node/crossbar.pid" ]; then kill "$(cat "$node/crossbar.pid")" 2>/dev/null || true; fi
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
