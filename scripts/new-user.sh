#!/usr/bin/env bash
# Walks the README's quickstart as a new user would: makes a project outside this workspace
# from the README's Cargo.toml and src/main.rs blocks (WAMP_RS replaced by this checkout), and
# runs it. Fails if the README's main.rs is not examples/examples/quickstart.rs (so the two
# cannot drift apart) or if the program fails. The build shares this workspace's target
# directory and lock file, so it compiles only the new crate. Part of the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
project="${WAMP_NEW_USER_DIR:-${TMPDIR:-/tmp}/wamp-rs-new-user}"

# The fenced block that follows the marker `<!-- new-user:NAME -->` in the README.
block() {
  awk -v marker="<!-- new-user:$1 -->" '
    $0 == marker { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }
  ' README.md
}

rm -rf "$project"
mkdir -p "$project/src"
block Cargo.toml | sed "s|WAMP_RS|$root|g" > "$project/Cargo.toml"
block main.rs > "$project/src/main.rs"
if [ ! -s "$project/Cargo.toml" ] || [ ! -s "$project/src/main.rs" ]; then
  echo "new-user: the README lacks its new-user:Cargo.toml or new-user:main.rs block" >&2
  exit 1
fi
if ! diff -u <(grep -v '^//!' examples/examples/quickstart.rs | sed '/./,$!d') "$project/src/main.rs"; then
  echo "new-user: the README's main.rs differs from examples/examples/quickstart.rs (above)" >&2
  exit 1
fi
cp Cargo.lock "$project/Cargo.lock"
cd "$project"
echo "--- new-user project in $project"
# The workspace's debug-info settings (its Cargo.toml [profile.dev]), so that the dependencies
# built for the tests are reused where their features agree, not built again with debug info.
CARGO_TARGET_DIR="$root/target" cargo run -q \
  --config 'profile.dev.debug="line-tables-only"' --config 'profile.dev.package."*".debug=false'

# The code generator, installed as the README says and used outside the workspace.
cd "$root"
CARGO_TARGET_DIR="$root/target" cargo install -q --locked --path wamp-codegen --root "$project/tools"
"$project/tools/bin/wamp-codegen" --version
"$project/tools/bin/wamp-codegen" rust interfaces/com.example.calc.json -o "$project/calc_client.rs"
"$project/tools/bin/wamp-codegen" docs interfaces/com.example.calc.json -o "$project/calc.md"
grep -q "pub struct CalculatorClient\|CalculatorClient" "$project/calc_client.rs"
echo "--- wamp-codegen installed in $project/tools/bin and run outside the workspace"
