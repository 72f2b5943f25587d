#!/usr/bin/env bash
# Compiles the Cairo 0 sources of the repository with cairo-lang (PyPI), or checks that the
# committed JSON matches them.
#
#   scripts/cairo-lang.sh compile   # rewrite the committed JSON
#   scripts/cairo-lang.sh check     # fail if any committed JSON differs from a fresh compile
#
# cairo-lang is installed into .venv/cairo-lang (gitignored) on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

CAIRO_LANG_VERSION=0.14.0.1
VENV=.venv/cairo-lang
mode=${1:-check}

if [ ! -x "$VENV/bin/cairo-compile" ]; then
  echo "installing cairo-lang $CAIRO_LANG_VERSION into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "cairo-lang==$CAIRO_LANG_VERSION"
fi

# Proof-mode programs for the prover (run by cairo-vm in proof mode).
proof_mode_programs=(crates/cairo-air/programs/*.cairo)

out_dir=$(mktemp -d)
trap 'rm -rf "$out_dir"' EXIT
status=0
for src in "${proof_mode_programs[@]}"; do
  json="${src%.cairo}.json"
  fresh="$out_dir/$(basename "$json")"
  "$VENV/bin/cairo-compile" --proof_mode --no_debug_info "$src" --output "$fresh"
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
done
exit $status
