#!/usr/bin/env bash
# The prover's corpus (CI runs it; `make test-corpus`): every program of
# crates/cairo-air/programs compiled afresh by cairo-lang, run by cairo-lang's reference VM
# (cairo-run), then proven and verified by watcher-prover, whose proven output must equal
# cairo-run's. Small inputs at `test` security; `scripts/corpus.sh --large` is the bench
# (bigger inputs, standard security, minutes; give it a release binary through
# WATCHER_PROVER_BIN). `--only NAME` runs one program. Prints one JSON line per program.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cairo-lang-venv.sh

bin=${WATCHER_PROVER_BIN:-target/debug/watcher-prover}
if [ ! -x "$bin" ]; then
    cargo build -p cli
fi
exec "$VENV/bin/python" scripts/corpus/corpus.py --bin "$bin" "$@"
