#!/usr/bin/env bash
# The watcher following starknet-devnet, a sequencer we did not write: installs starknet-devnet
# 0.10.1 from crates.io into .cache/starknet-devnet (gitignored; reused when present, a release
# build takes a long while the first time) and starknet.py 0.30 into a venv
# (tests/clients/starknet-py/.venv), then runs crates/watcher/tests/starknet_devnet.rs (the
# service in-process, starknet-rs's transactions, replay's state checked entry by entry) and
# tests/tests/starknet_devnet.rs (the binaries: starknet.py's session, `watcher-prover run`,
# `light-verify` over every block). Each proves its blocks at test security: about 16 GB and
# 2.5 minutes a block with transactions on 2 cores.
#
#   scripts/starknet-devnet.sh
#   STARKNET_DEVNET=/path/to/starknet-devnet scripts/starknet-devnet.sh   # an existing binary
#
# Not part of `make test` (CI): `make test-e2e` runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

version=0.10.1
root=.cache/starknet-devnet
if [[ -z "${STARKNET_DEVNET:-}" ]]; then
  STARKNET_DEVNET="$PWD/$root/bin/starknet-devnet"
  if [[ ! -x "$STARKNET_DEVNET" ]] || ! "$STARKNET_DEVNET" --version | grep -q " $version\$"; then
    echo "installing starknet-devnet $version into $root (a release build: tens of minutes)"
    cargo install starknet-devnet --locked --version "$version" --root "$root"
  fi
fi
if [[ ! -x "$STARKNET_DEVNET" ]]; then
  echo "STARKNET_DEVNET=$STARKNET_DEVNET is not an executable" >&2
  exit 1
fi
echo "starknet-devnet: $STARKNET_DEVNET ($("$STARKNET_DEVNET" --version))"
export STARKNET_DEVNET
venv=tests/clients/starknet-py/.venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/clients/starknet-py/requirements.txt
cargo test -p watcher --test starknet_devnet -- --ignored --nocapture
cargo test -p cli --no-run
cargo test -p e2e --test starknet_devnet -- --ignored --nocapture
