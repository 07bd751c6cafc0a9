#!/usr/bin/env bash
# The benchmarks, one command: installs the peers (Crossbar.io, autobahn-python, autobahn-js, the
# other routers and the XConn client) if needed, builds wamp-bench, wamp-router and the
# battler-wamp router in release mode, measures every figure under both thread placements, and
# writes docs/benchmarks.md with its plots and JSON (and target/bench/).
#
#   bash scripts/bench.sh                    # everything, 3 runs per figure (about 12 minutes)
#   bash scripts/bench.sh --quick            # every figure once, briefly: checks it all works
#   bash scripts/bench.sh --only rpc,floor   # some sections; see `wamp-bench run --help`
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(bash scripts/install-peers.sh | grep '^WAMP_PEERS_')"
export WAMP_PEERS_PYTHON WAMP_PEERS_CROSSBAR WAMP_PEERS_NODE_PATH WAMP_PEERS_XCONN_PYTHON
cargo build --release --locked -p wamp-bench -p wamp-router
# The battler-wamp router (crates.io), a crate of its own beside the workspace.
cargo build --release --locked --manifest-path bench/peers/battler-router/Cargo.toml \
  --target-dir target/battler
docs=()
case " $* " in *" --quick "*) ;; *) docs=(--docs docs/benchmarks.md) ;; esac
exec target/release/wamp-bench run "${docs[@]}" "$@"
