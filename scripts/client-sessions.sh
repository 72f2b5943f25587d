#!/usr/bin/env bash
# Scripted sessions of the clients Starknet developers use, against `watcher-prover devnet`
# (CI runs it; `make test-clients`): starknet.js 10 (npm, tests/clients/starknet-js) declares a
# Cairo 1 class, deploys it through the UDC, invokes it with an estimated fee, sends an ERC-20
# transfer and reads its event and storage, deploys an account and sees a revert reported;
# starknet.py 0.30 (PyPI, a venv in tests/clients/starknet-py/.venv) runs the same session.
# starknet-rs runs the same steps in `cargo test` (crates/sequencer/tests/sierra.rs).
#
# The Sierra class is one the official Cairo compiler compiled: the test data that the
# `cairo-lang-starknet` crate (a dependency of blockifier) ships, found with `cargo metadata`.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${WATCHER_PROVER_BIN:-target/debug/watcher-prover}
if [ ! -x "$bin" ]; then
    cargo build -p cli
fi
(cd tests/clients/starknet-js && npm ci --no-audit --no-fund --loglevel=error)
venv=tests/clients/starknet-py/.venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/clients/starknet-py/requirements.txt

cargo fetch --locked
classes=$(cargo metadata --format-version 1 --offline | python3 -c '
import json, os, sys
packages = json.load(sys.stdin)["packages"]
manifest = next(p["manifest_path"] for p in packages if p["name"] == "cairo-lang-starknet")
print(os.path.join(os.path.dirname(manifest), "test_data"))')
sierra="$classes/hello_starknet__hello_starknet.contract_class.json"
casm="$classes/hello_starknet__hello_starknet.compiled_contract_class.json"

data=$(mktemp -d)
devnet_pid=
stop_devnet() {
    if [ -n "$devnet_pid" ]; then
        kill -TERM "$devnet_pid" 2>/dev/null || true
        wait "$devnet_pid" 2>/dev/null || true
        devnet_pid=
    fi
}
cleanup() {
    stop_devnet
    rm -rf "$data"
}
trap cleanup EXIT

# A fresh devnet for each client (each declares the same class); sets url, erc20 and udc.
start_devnet() {
    local log="$data/$1.log"
    "$bin" devnet --data-dir "$data/$1" --rpc-addr 127.0.0.1:0 --block-time 300ms \
        --accounts 3 >"$log" 2>&1 &
    devnet_pid=$!
    for _ in $(seq 1 300); do
        grep -q '^JSON-RPC' "$log" && break
        kill -0 "$devnet_pid" 2>/dev/null || { cat "$log"; echo "the devnet exited"; exit 1; }
        sleep 0.1
    done
    url=$(grep -m1 '^JSON-RPC' "$log" | sed 's/.* on //')
    erc20=$(grep -m1 '^ERC-20' "$log" | awk '{print $NF}')
    udc=$(grep -m1 '^universal deployer' "$log" | awk '{print $NF}')
}

start_devnet starknet-js
echo "starknet.js $(node -p 'require("./tests/clients/starknet-js/node_modules/starknet/package.json").version') against $url"
node tests/clients/starknet-js/session.mjs "$url" "$sierra" "$casm" "$erc20"
stop_devnet

# starknet.py 0.30 knows spec 0.10.2: it warns (and goes on) that the devnet speaks 0.10.3.
start_devnet starknet-py
echo "starknet.py $("$venv/bin/python" -c 'from importlib.metadata import version; print(version("starknet-py"))') against $url"
"$venv/bin/python" tests/clients/starknet-py/session.py "$url" "$sierra" "$casm" "$erc20" "$udc"
