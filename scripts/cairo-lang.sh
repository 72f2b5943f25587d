#!/usr/bin/env bash
# Compiles the Cairo 0 sources of the repository with cairo-lang (PyPI), or checks that the
# committed JSON matches them: the proof-mode programs of the prover (cairo-compile) and the
# bundled Starknet contracts (starknet-compile-deprecated, deprecated class JSON).
#
#   scripts/cairo-lang.sh compile   # rewrite the committed JSON
#   scripts/cairo-lang.sh check     # fail if any committed JSON differs from a fresh compile
#
# cairo-lang is installed into .venv/cairo-lang (gitignored) on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-check}
source scripts/cairo-lang-venv.sh

# Proof-mode programs for the prover (run by cairo-vm in proof mode), the light client's test
# fixture that stands in for the OS program (writes a block public output from its input), the OS
# itself (os-program/os/main.cairo, importing its modules as `os.*`) and the os crate's test
# programs (which import OS modules the same way).
shopt -s nullglob
proof_mode_programs=(crates/cairo-air/programs/*.cairo crates/light-client/tests/programs/*.cairo
  os-program/os/main*.cairo crates/os/tests/programs/*.cairo)

out_dir=$(mktemp -d)
trap 'rm -rf "$out_dir"' EXIT
status=0

# Settles one compiled file: `compile` copies the fresh JSON over the committed one, `check`
# compares them.
settle() {
  local src=$1 fresh=$2 json=$3
  case "$mode" in
    compile) cp "$fresh" "$json"; echo "compiled $json" ;;
    check)
      if ! cmp -s "$fresh" "$json"; then
        echo "MISMATCH: $json does not match $src (run scripts/cairo-lang.sh compile)" >&2
        status=1
      else
        echo "ok $json"
      fi ;;
    *) echo "usage: $0 compile|check" >&2; exit 2 ;;
  esac
}
for src in "${proof_mode_programs[@]}"; do
  json="${src%.cairo}.json"
  fresh="$out_dir/$(basename "$json")"
  "$VENV/bin/cairo-compile" --proof_mode --no_debug_info --cairo_path os-program "$src" --output "$fresh"
  settle "$src" "$fresh" "$json"
done

# The os crate's CASM test classes, written in Cairo 0 (crates/os/tests/common/casm_class.rs
# turns a program into a Cairo 1 class): plain programs, not proof mode.
for src in crates/os/tests/casm/*.cairo; do
  json="${src%.cairo}.json"
  fresh="$out_dir/casm-$(basename "$json")"
  "$VENV/bin/cairo-compile" --no_debug_info "$src" --output "$fresh"
  settle "$src" "$fresh" "$json"
done

# Bundled contracts of the devnet, in Starknet's deprecated (Cairo 0) class format; their class
# hashes are computed from this JSON (program, ABI, entry points). account.cairo is compiled with
# --account_contract, which checks the __validate__/__execute__/__validate_declare__ signatures.
# --no_debug_info keeps machine paths out of the JSON. The executor's and the OS's test contracts
# are compiled the same way.
contracts=(os-program/contracts/*.cairo crates/executor/tests/fixtures/*.cairo
  crates/os/tests/contracts/*.cairo)

for src in "${contracts[@]}"; do
  json="${src%.cairo}.json"
  fresh="$out_dir/contract-$(basename "$json")"
  account_flag=()
  if [ "$(basename "$src")" = account.cairo ]; then
    account_flag=(--account_contract)
  fi
  # The ${a[@]+...} form expands an empty array under `set -u` on bash 3 (macOS) too.
  "$VENV/bin/starknet-compile-deprecated" ${account_flag[@]+"${account_flag[@]}"} \
    --no_debug_info "$src" --output "$fresh"
  settle "$src" "$fresh" "$json"
done
exit $status
