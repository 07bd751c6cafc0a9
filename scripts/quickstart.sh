#!/usr/bin/env bash
# Runs the quickstart example: it starts the embedded wamp-router in its own process (no other
# set-up), serves a procedure, calls it, publishes an event and receives it.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --locked -p wamp-examples --example quickstart "$@"
