#!/usr/bin/env bash
# Runs every example in examples/examples against its own embedded router; fails on the first
# example that fails. Part of the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
# Built with the whole workspace selected, the examples resolve the same features as
# `cargo test --workspace` and reuse its dependencies; `-p wamp-examples` alone would resolve
# fewer features and build a second copy of every dependency (gigabytes of disk).
cargo build --locked -q --workspace --examples
target="$(cargo metadata --locked --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
for file in examples/examples/*.rs; do
  name="$(basename "$file" .rs)"
  echo "--- example $name"
  timeout 120 "$target/debug/examples/$name"
done
