#!/usr/bin/env bash
# Runs every example in examples/examples against its own embedded router; fails on the first
# example that fails. Part of the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked -q -p wamp-examples --examples
for file in examples/examples/*.rs; do
  name="$(basename "$file" .rs)"
  echo "--- example $name"
  timeout 120 cargo run --locked -q -p wamp-examples --example "$name"
done
