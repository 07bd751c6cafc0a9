#!/usr/bin/env bash
# Runs every fuzz target for a fixed number of inputs, two at a time (one per core), and keeps
# what it finds: a crashing input is copied to fuzz/regressions/<target>/, which the test suite
# (tests/tests/fuzz_corpus.rs) replays along with the corpus.
#
#   bash fuzz/run.sh [inputs per decoder target, default 2600000] [inputs per session target,
#                    default 200000]
#
# The session targets (client_session, router_session) run a whole session per input, about a
# hundred times slower than a decoder, so they get their own, smaller count.
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`); it builds with the stable toolchain here because
# it runs without a sanitizer (`-s none`). Exits non-zero if any target crashed.
set -euo pipefail
cd "$(dirname "$0")"
runs="${1:-2600000}"
session_runs="${2:-200000}"
targets=(decode_json decode_msgpack decode_cbor rawsocket_frames client_session router_session)
cargo fuzz build -s none -O
mkdir -p logs
status=0
run() {
  local t="$1"
  local n="$runs"
  case "$t" in *_session) n="$session_runs" ;; esac
  mkdir -p "corpus/$t" "artifacts/$t" "regressions/$t"
  if ! cargo fuzz run -s none -O "$t" "corpus/$t" -- -runs="$n" -max_len=4096 \
      -artifact_prefix="artifacts/$t/" > "logs/$t.log" 2>&1; then
    echo "$t: CRASHED (see fuzz/logs/$t.log)"
    cp artifacts/"$t"/* "regressions/$t/" 2>/dev/null || true
    return 1
  fi
  echo "$t: $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "logs/$t.log" | tail -1)"
}
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  run "${targets[$i]}" & a=$!
  run "${targets[$((i + 1))]}" & b=$!
  wait "$a" || status=1
  wait "$b" || status=1
done
total=0
for t in "${targets[@]}"; do
  n=$(grep -Eo 'Done [0-9]+ runs' "logs/$t.log" | grep -Eo '[0-9]+' | tail -1 || echo 0)
  total=$((total + ${n:-0}))
done
echo "total inputs: $total"
exit "$status"
