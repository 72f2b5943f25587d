#!/usr/bin/env bash
# Runs `watcher-prover bench` for trace sizes 2^LO..2^HI (default 14..19), one process each,
# and prints one JSON line per size. Usage: benches/prover-sizes.sh [LO] [HI] [SECURITY]
set -euo pipefail
cd "$(dirname "$0")/.."
lo=${1:-14}; hi=${2:-19}; security=${3:-standard}
cargo build --release -q -p cli
for k in $(seq "$lo" "$hi"); do
  RUST_LOG=warn ./target/release/watcher-prover bench --log-size "$k" --security "$security"
done
