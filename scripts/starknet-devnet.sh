#!/usr/bin/env bash
# The watcher following starknet-devnet, a sequencer we did not write: installs starknet-devnet
# 0.10.1 from crates.io into .cache/starknet-devnet (gitignored; reused when present, a release
# build takes a long while the first time) and runs crates/watcher/tests/starknet_devnet.rs.
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
cargo test -p watcher --test starknet_devnet -- --ignored --nocapture
