#!/usr/bin/env bash
# Runs every test, interop included: installs the peers (Crossbar.io, autobahn-python,
# autobahn-js) if needed, starts Crossbar on 127.0.0.1, runs the workspace tests with the peers
# required, runs every example, a quick benchmark run and the README's new-user path, and stops
# Crossbar. This is the README's test command and what
# .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(bash scripts/install-peers.sh | grep '^WAMP_PEERS_')"
export WAMP_PEERS_PYTHON WAMP_PEERS_CROSSBAR WAMP_PEERS_NODE_PATH WAMP_PEERS_PROMETHEUS WAMP_PEERS_CHROMIUM WAMP_PEERS_MCP_PYTHON
export WAMP_CROSSBAR_DIR="${WAMP_CROSSBAR_DIR:-/tmp/wamp-rs-crossbar}"
export WAMP_INTEROP_REQUIRED=1
bash scripts/crossbar.sh start
trap 'bash scripts/crossbar.sh stop' EXIT
cargo test --workspace --locked "$@"
bash scripts/run-examples.sh
# The benchmark command, end to end but briefly: every figure once, nothing asserted about speed;
# it fails if any figure cannot be measured.
bash scripts/bench.sh --quick --out target/bench-quick
# The README walked as a new user would, from a project outside this workspace (after the
# benchmark, whose release build the installed wamp-codegen shares).
bash scripts/new-user.sh
