#!/usr/bin/env bash
# Starts or stops two Crossbar.io nodes joined by router-to-router links, on 127.0.0.1, for the
# cluster test (tests/tests/crossbar_cluster.rs).
#
#   bash scripts/crossbar-cluster.sh start   # writes both nodes, starts them, waits for the links
#   bash scripts/crossbar-cluster.sh stop
#
# WAMP_CLUSTER_DIR (default /tmp/wamp-rs-crossbar-cluster) holds the nodes; its cluster.json
# tells the test where each node listens. WAMP_CLUSTER_PORT_BASE (default 18181) and the port
# after it are the nodes' WebSocket ports.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
dir="${WAMP_CLUSTER_DIR:-/tmp/wamp-rs-crossbar-cluster}"
base="${WAMP_CLUSTER_PORT_BASE:-18181}"
eval "$(bash "$here/install-peers.sh" | grep '^WAMP_PEERS_')"
# Logged by each node when its peer's link has joined (crossbar/worker/rlink.py, onJoin).
link_up='rlink remote session ready'

stop() {
  for n in 1 2; do
    cbdir="$dir/node$n/.crossbar"
    if [ -d "$cbdir" ]; then
      timeout 30 "$WAMP_PEERS_CROSSBAR" stop --cbdir "$cbdir" >/dev/null 2>&1 || true
    fi
    if [ -f "$dir/node$n.pid" ]; then kill "$(cat "$dir/node$n.pid")" 2>/dev/null || true; fi
  done
}

case "${1:-}" in
  start)
    stop
    rm -rf "$dir"; mkdir -p "$dir"
    "$WAMP_PEERS_PYTHON" "$root/interop/crossbar/make_cluster.py" "$dir" "$base"
    for n in 1 2; do
      "$WAMP_PEERS_CROSSBAR" start --cbdir "$dir/node$n/.crossbar" --color false \
        --logformat standard --loglevel info > "$dir/node$n.log" 2>&1 &
      echo $! > "$dir/node$n.pid"
    done
    for _ in $(seq 1 120); do
      up=1
      for n in 1 2; do
        grep -q "$link_up" "$dir/node$n.log" || up=0
        if ! kill -0 "$(cat "$dir/node$n.pid")" 2>/dev/null; then
          echo "crossbar node$n exited; its log:" >&2; tail -50 "$dir/node$n.log" >&2; exit 1
        fi
      done
      if [ "$up" = 1 ]; then echo "two crossbar nodes linked in $dir" >&2; exit 0; fi
      sleep 0.5
    done
    echo "the crossbar nodes did not link within 60 s; their logs:" >&2
    tail -30 "$dir/node1.log" "$dir/node2.log" >&2
    exit 1
    ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
