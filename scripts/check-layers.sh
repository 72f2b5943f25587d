#!/usr/bin/env bash
# The layering rules of ARCHITECTURE.md that `cargo tree` can check: no crate of ours depends on
# one above it, and the light client's offline check (no default features) and the browser's
# verifier (web-verifier) build without cairo-vm, tokio or the prover, for wasm32 too. Exits
# non-zero naming the broken rule.
set -euo pipefail
cd "$(dirname "$0")/.."

fail=0
forbid() { # forbid CRATE FEATURE_ARGS PATTERN WHY
    local crate=$1 args=$2 pattern=$3 why=$4
    # shellcheck disable=SC2086
    if cargo tree -p "$crate" $args -e normal --prefix none | grep -Eq "$pattern"; then
        echo "layering: $crate $why:"
        # shellcheck disable=SC2086
        cargo tree -p "$crate" $args -e normal --prefix none | grep -E "$pattern" | sort -u
        fail=1
    fi
}
forbid light-client "--no-default-features" '^(cairo-vm|tokio|jsonrpsee|rayon) ' \
    "(offline check) pulls a runtime or the prover's VM"
forbid web-verifier "" '^(cairo-vm|tokio|jsonrpsee|rayon) ' \
    "(the browser's verifier) pulls a runtime or the prover's VM"
forbid watcher "" '^(api|sequencer|cli) v' "depends on a crate above it"
forbid stark "" '^(cairo-vm|tokio|cairo-air|chain) v' "depends on Cairo or the service"
forbid cairo-air "" '^(tokio|chain|state|executor|os|watcher|api) v' "depends on the service"
forbid chain "" '^(stark|cairo-air|cairo-vm) v' "depends on the prover"
# stark's verifier side, with nothing of the prover, compiles to WebAssembly.
rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
cargo check -q -p light-client --no-default-features --target wasm32-unknown-unknown
cargo check -q -p web-verifier --target wasm32-unknown-unknown
[ "$fail" = 0 ] && echo "layers ok"
exit "$fail"
