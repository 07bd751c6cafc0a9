#!/usr/bin/env bash
# Installs the real WAMP peers the interop tests run against: Crossbar.io and autobahn-python
# (one Python venv), the Python MCP SDK (another venv), autobahn-js with esbuild and
# puppeteer-core (an npm folder), and Debian's prometheus and chromium (apt); and the other
# routers of the benchmarks (fox-wamp, wamp.rt and wamp-server in the npm folder, XConn in a venv). The venvs and the
# npm folder live in a cache outside the repository, so that a second run takes seconds. Prints the paths as shell assignments on its last lines.
#
#   bash scripts/install-peers.sh            # install or verify
#   WAMP_PEERS_CACHE=/some/dir bash scripts/install-peers.sh
set -euo pipefail

CROSSBAR_VERSION=26.10.1
# Crossbar 26.10.1 takes any autobahn >= 26.10.2, and pip would pick the newest: pinned, so that
# the interop tests run against the autobahn-python they name.
AUTOBAHN_PY_VERSION=26.10.2
AUTOBAHN_PY_EXTRAS="compress,encryption,scram,serialization,twisted"
AUTOBAHN_JS_VERSION=26.3.1
WS_VERSION=8.18.3
TYPESCRIPT_VERSION=5.9.3
# The browser tests: esbuild bundles the generated TypeScript client, puppeteer-core drives
# Debian's chromium (it downloads no browser). puppeteer-core 25 needs node 22; node here is 20.
ESBUILD_VERSION=0.28.2
PUPPETEER_VERSION=24.43.1
# The official Python MCP SDK, the client of the wamp-mcp tests (a venv of its own: its
# dependencies are not Crossbar's).
MCP_PY_VERSION=2.3.0
# The other routers of the benchmarks (bench/peers/): three from npm, and XConn's router and
# client from PyPI (a venv of its own, every dependency pinned in bench/peers/xconn-requirements.txt).
FOX_WAMP_VERSION=0.7.28
WAMPRT_VERSION=0.2.0
WAMP_SERVER_VERSION=0.0.9
XCONN_VERSION=0.5.1

cache="${WAMP_PEERS_CACHE:-$HOME/.cache/wamp-rs-peers}"
venv="$cache/venv-crossbar-$CROSSBAR_VERSION"
mcp_venv="$cache/venv-mcp-$MCP_PY_VERSION"
xconn_venv="$cache/venv-xconn-$XCONN_VERSION"
nodedir="$cache/node-autobahn-$AUTOBAHN_JS_VERSION"
mkdir -p "$cache"

log() { printf '[install-peers] %s\n' "$*" >&2; }

# --- Crossbar.io + autobahn-python -------------------------------------------------------------
if [ ! -x "$venv/bin/crossbar" ] || ! "$venv/bin/python" -c 'import crossbar, autobahn' 2>/dev/null \
   || [ "$("$venv/bin/python" -c 'import crossbar; print(crossbar.__version__)' 2>/dev/null)" != "$CROSSBAR_VERSION" ]; then
  log "installing crossbar $CROSSBAR_VERSION into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip wheel setuptools >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "crossbar==$CROSSBAR_VERSION" \
    "autobahn[$AUTOBAHN_PY_EXTRAS]==$AUTOBAHN_PY_VERSION" >&2
fi
if [ "$("$venv/bin/python" -c 'import autobahn; print(autobahn.__version__)' 2>/dev/null)" != "$AUTOBAHN_PY_VERSION" ]; then
  log "installing autobahn-python $AUTOBAHN_PY_VERSION into $venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "autobahn[$AUTOBAHN_PY_EXTRAS]==$AUTOBAHN_PY_VERSION" >&2
fi

# The bjdata sdist is built against NumPy 1.x in pip's isolated build env and fails to import under
# NumPy 2 (interop-notes.md). Rebuilding it against the installed NumPy fixes it; --no-cache-dir keeps pip
# from reusing the wheel it cached from the broken build.
# The import "succeeds" with a traceback on stderr, so look at the output, not the exit code.
if "$venv/bin/python" -c 'import bjdata' 2>&1 | grep -q -E '_ARRAY_API|NumPy 1\.x'; then
  bj=$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("bjdata"))' 2>/dev/null || true)
  if [ -n "$bj" ]; then
    log "rebuilding bjdata $bj against the installed numpy"
    # Without build isolation the venv's own setuptools builds it: bjdata's setup needs 70.1+.
    # Reinstalled, not upgraded: the venv's setuptools can be a newer dist-info over older files
    # (no setuptools/command/bdist_wheel.py), which an upgrade leaves as it is.
    "$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps \
      "setuptools>=70.1" wheel >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-build-isolation --no-cache-dir \
      --force-reinstall --no-deps "bjdata==$bj" >&2 \
      || log "bjdata $bj did not rebuild: Crossbar runs, without UBJSON (the tests do not use it)"
  fi
fi
"$venv/bin/crossbar" version >/dev/null 2>&1 || { log "crossbar does not start"; exit 1; }

# --- the MCP SDK for Python -------------------------------------------------------------------
if [ "$("$mcp_venv/bin/python" -c 'import importlib.metadata as m; print(m.version("mcp"))' 2>/dev/null)" != "$MCP_PY_VERSION" ]; then
  log "installing the mcp SDK $MCP_PY_VERSION into $mcp_venv"
  rm -rf "$mcp_venv"
  python3 -m venv "$mcp_venv"
  "$mcp_venv/bin/pip" install --quiet --disable-pip-version-check "mcp==$MCP_PY_VERSION" >&2
fi

# --- XConn (router and client) -------------------------------------------------------------------
if [ "$("$xconn_venv/bin/python" -c 'import importlib.metadata as m; print(m.version("xconn"))' 2>/dev/null)" != "$XCONN_VERSION" ]; then
  log "installing xconn $XCONN_VERSION into $xconn_venv"
  rm -rf "$xconn_venv"
  python3 -m venv "$xconn_venv"
  "$xconn_venv/bin/pip" install --quiet --disable-pip-version-check \
    -r "$(dirname "$0")/../bench/peers/xconn-requirements.txt" >&2
fi

# --- autobahn-js ----------------------------------------------------------------------------------
# TypeScript compiles the generated TypeScript client (tsc --strict) in the codegen tests.
if [ ! -f "$nodedir/node_modules/autobahn/package.json" ] || [ ! -f "$nodedir/node_modules/ws/package.json" ] \
   || [ "$(node -p "require('$nodedir/node_modules/typescript/package.json').version" 2>/dev/null)" != "$TYPESCRIPT_VERSION" ] \
   || [ "$(node -p "require('$nodedir/node_modules/esbuild/package.json').version" 2>/dev/null)" != "$ESBUILD_VERSION" ] \
   || [ "$(node -p "require('$nodedir/node_modules/puppeteer-core/package.json').version" 2>/dev/null)" != "$PUPPETEER_VERSION" ] \
   || [ "$(node -p "require('$nodedir/node_modules/fox-wamp/package.json').version" 2>/dev/null)" != "$FOX_WAMP_VERSION" ] \
   || [ "$(node -p "require('$nodedir/node_modules/wamp.rt/package.json').version" 2>/dev/null)" != "$WAMPRT_VERSION" ] \
   || [ "$(node -p "require('$nodedir/node_modules/wamp-server/package.json').version" 2>/dev/null)" != "$WAMP_SERVER_VERSION" ]; then
  log "installing autobahn-js $AUTOBAHN_JS_VERSION into $nodedir"
  mkdir -p "$nodedir"
  (cd "$nodedir" && printf '{"name":"wamp-rs-peers","private":true}\n' > package.json \
    && npm install --silent --no-audit --no-fund --engine-strict=false \
       "autobahn@$AUTOBAHN_JS_VERSION" "ws@$WS_VERSION" "typescript@$TYPESCRIPT_VERSION" \
       "esbuild@$ESBUILD_VERSION" "puppeteer-core@$PUPPETEER_VERSION" \
       "fox-wamp@$FOX_WAMP_VERSION" "wamp.rt@$WAMPRT_VERSION" "wamp-server@$WAMP_SERVER_VERSION" >&2)
fi

# --- Prometheus and Chromium --------------------------------------------------------------------
# Debian's packages: the metrics test runs a real Prometheus server that scrapes wamp-router; the
# browser tests run headless chromium.
missing=""
command -v prometheus >/dev/null 2>&1 || missing="$missing prometheus"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium fonts-dejavu-core"
if [ -n "$missing" ]; then
  log "installing Debian's$missing"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >&2
fi

echo "WAMP_PEERS_PYTHON=$venv/bin/python"
echo "WAMP_PEERS_CROSSBAR=$venv/bin/crossbar"
echo "WAMP_PEERS_NODE_PATH=$nodedir/node_modules"
echo "WAMP_PEERS_PROMETHEUS=$(command -v prometheus)"
echo "WAMP_PEERS_CHROMIUM=$(command -v chromium)"
echo "WAMP_PEERS_MCP_PYTHON=$mcp_venv/bin/python"
echo "WAMP_PEERS_XCONN_PYTHON=$xconn_venv/bin/python"
