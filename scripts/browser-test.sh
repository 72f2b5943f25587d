#!/usr/bin/env bash
# The browser test (CI runs it; `make test-browser`): starts `watcher-prover demo` on free
# ports, then drives Debian's Chromium headless with playwright-core (npm, tests/browser/):
# the status page shows live data, a block's proof verifies in the page (WebAssembly), the page
# falls back to the relay without CORS, and a tampered proof or a lying header is rejected.
# Installs Chromium (apt) and playwright-core (npm ci) when missing. Writes the measured wasm
# size and verify time to $RESULTS_FILE when set.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${WATCHER_PROVER_BIN:-target/debug/watcher-prover}
if [ ! -x "$bin" ]; then
    cargo build -p cli
fi
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
    echo "installing Chromium (Debian package)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

data=$(mktemp -d)
log="$data/demo.log"
demo_pid=
cleanup() {
    if [ -n "$demo_pid" ]; then
        kill -TERM "$demo_pid" 2>/dev/null || true
        wait "$demo_pid" 2>/dev/null || true
    fi
    rm -rf "$data"
}
trap cleanup EXIT

"$bin" demo --data-dir "$data/demo" --rpc-addr 127.0.0.1:0 --api-addr 127.0.0.1:0 \
    --block-time 3s --tps 0.5 >"$log" 2>&1 &
demo_pid=$!
for _ in $(seq 1 300); do
    grep -q '^status page: ' "$log" && break
    kill -0 "$demo_pid" 2>/dev/null || { cat "$log"; echo "the demo exited"; exit 1; }
    sleep 0.2
done
rpc_url=$(sed -n 's/^devnet JSON-RPC on \(http[^ ]*\).*/\1/p' "$log" | head -1)
api_url=$(sed -n 's/^query API on \(http[^ ]*\)/\1/p' "$log" | head -1)
[ -n "$rpc_url" ] && [ -n "$api_url" ] || { cat "$log"; echo "no addresses in the demo's output"; exit 1; }
echo "demo: devnet $rpc_url, API $api_url"

status=0
API_URL=$api_url RPC_URL=$rpc_url OS_HASH=$("$bin" os-hash) CHROMIUM=$chromium \
    npm --prefix tests/browser test || status=$?
if [ "$status" != 0 ]; then
    echo "--- the demo's log (last 60 lines)"
    tail -60 "$log"
fi
exit "$status"
