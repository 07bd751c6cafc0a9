#!/usr/bin/env bash
# The benchmarks, one command: installs the peers (Crossbar.io, autobahn-python, autobahn-js) if
# needed, builds wamp-bench and wamp-router in release mode, measures every figure under both
# thread placements, and writes docs/benchmarks.md with its plot and JSON (and target/bench/).
#
#   bash scripts/bench.sh                    # everything, 3 runs per figure (about 8 minutes)
#   bash scripts/bench.sh --quick            # every figure once, briefly: checks it all works
#   bash scripts/bench.sh --only rpc,floor   # some sections; see `wamp-bench run --help`
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(bash scripts/install-peers.sh | grep '^WAMP_PEERS_')"
export WAMP_PEERS_PYTHON WAMP_PEERS_CROSSBAR WAMP_PEERS_NODE_PATH
cargo build --release --locked -p wamp-bench -p wamp-router
docs=()
case " $* " in *" --quick "*) ;; *) docs=(--docs docs/benchmarks.md) ;; esac
exec target/release/wamp-bench run "${docs[@]}" "$@"
