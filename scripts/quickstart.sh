#!/usr/bin/env bash
# Runs the quickstart example against a Crossbar.io router that this script installs (once, into
# a cache outside the repository) and starts on 127.0.0.1, then stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/crossbar.sh start
trap 'bash scripts/crossbar.sh stop' EXIT
cargo run --locked -p wamp-examples --example quickstart -- "ws://127.0.0.1:${WAMP_CROSSBAR_PORT_BASE:-18080}" realm1
